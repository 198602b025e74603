//! Giving freed heap memory back to the system when the engine lets go of a lot at once.
//!
//! glibc keeps freed small blocks in its arenas for reuse and returns them only from the
//! top of the heap. After a rebuild (two engines alive, then the old one dropped) or a
//! checkpoint write (a copy of the record, slice by slice), hundreds of megabytes sat
//! free inside the process, counted in its resident memory, until asked for back.

/// Returns the free pages of every arena to the system (a no-op off glibc).
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory the allocator holds free; it takes the
    // arenas' locks like any allocation does.
    unsafe {
        libc::malloc_trim(0);
    }
}
