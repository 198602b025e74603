//! The site (WASM, JS, CSS, vendored browser libraries, with their `.br`/`.gz`
//! variants) packed onto the end of the chatpulse binary, so that one file is the whole
//! deployment: `chatpulse bundle-site` writes it, and the server reads it back at start.
//!
//! The pack is appended after the executable (the loader ignores what follows it):
//! `[files][index JSON][index length: u64 LE][files length: u64 LE][MAGIC]`. The app's
//! JS, WASM and CSS are stored under names carrying a hash of their content
//! (`pkg/chatpulse.3f9a1c0b2d.wasm`), so browsers may cache them for a year. The loader
//! of the split WASM files (`pkg/__wasm_split.*.js`, from `cargo leptos --split`) imports
//! the app's JS by its path, so it is packed with that path changed to the hashed name
//! (and without its precompressed copies, which would still name the old one).

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 8] = b"CPSITE01";
const TRAILER: u64 = 8 + 8 + 8;
/// The app's own files, renamed with their content hash.
const HASHED_EXTENSIONS: [&str; 3] = ["js", "wasm", "css"];

#[derive(Serialize, Deserialize)]
struct Index {
    /// `chatpulse.<hash>`: the name the pages load the app's JS, WASM and CSS by.
    output_name: String,
    files: Vec<IndexEntry>,
}

#[derive(Serialize, Deserialize)]
struct IndexEntry {
    path: String,
    offset: u64,
    len: u64,
}

/// The site read from the binary.
pub struct EmbeddedSite {
    pub output_name: String,
    data: Bytes,
    files: HashMap<String, PackedFile>,
}

/// Where a file lies in the pack, and its ETag (computed once, when the pack is read).
struct PackedFile {
    start: usize,
    len: usize,
    etag: String,
}

impl EmbeddedSite {
    /// A file by its path in the site (`pkg/chatpulse.<hash>.wasm`, `vendor/x.js.br`).
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|f| &self.data[f.start..f.start + f.len])
    }

    /// A file as a response body (shared with the pack, not copied) and its ETag.
    pub fn served(&self, path: &str) -> Option<(Bytes, &str)> {
        self.files.get(path).map(|f| (self.data.slice(f.start..f.start + f.len), f.etag.as_str()))
    }

    /// Whether `path` is one of the files named with their content hash.
    pub fn is_hashed(&self, path: &str) -> bool {
        path.strip_prefix("pkg/").is_some_and(|name| name.starts_with(&format!("{}.", self.output_name)))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The site packed onto the running executable, if any.
    pub fn of_current_exe() -> Option<EmbeddedSite> {
        let exe = std::env::current_exe().ok()?;
        match EmbeddedSite::read(&exe) {
            Ok(site) => site,
            Err(error) => {
                tracing::warn!(%error, exe = %exe.display(), "the site packed onto the binary cannot be read");
                None
            }
        }
    }

    /// The site packed onto `binary`, or `None` when it carries none.
    pub fn read(binary: &Path) -> std::io::Result<Option<EmbeddedSite>> {
        let mut file = std::fs::File::open(binary)?;
        let Some((executable_len, index_len, data_len)) = trailer(&mut file)? else { return Ok(None) };
        file.seek(SeekFrom::Start(executable_len))?;
        let mut data = vec![0; data_len as usize];
        file.read_exact(&mut data)?;
        let mut index = vec![0; index_len as usize];
        file.read_exact(&mut index)?;
        let index: Index = serde_json::from_slice(&index).map_err(std::io::Error::other)?;
        let mut files = HashMap::with_capacity(index.files.len());
        for entry in index.files {
            if entry.offset + entry.len > data_len {
                return Err(std::io::Error::other(format!("{} lies outside the pack", entry.path)));
            }
            let (start, len) = (entry.offset as usize, entry.len as usize);
            let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&data[start..start + len])[..8]));
            files.insert(entry.path, PackedFile { start, len, etag });
        }
        Ok(Some(EmbeddedSite { output_name: index.output_name, data: Bytes::from(data), files }))
    }
}

/// `(length of the executable before the pack, index length, files length)`, when
/// `file` ends with a pack.
fn trailer(file: &mut std::fs::File) -> std::io::Result<Option<(u64, u64, u64)>> {
    let total = file.seek(SeekFrom::End(0))?;
    if total < TRAILER {
        return Ok(None);
    }
    file.seek(SeekFrom::End(-(TRAILER as i64)))?;
    let mut tail = [0u8; TRAILER as usize];
    file.read_exact(&mut tail)?;
    if &tail[16..] != MAGIC {
        return Ok(None);
    }
    let index_len = u64::from_le_bytes(tail[..8].try_into().expect("8 bytes"));
    let data_len = u64::from_le_bytes(tail[8..16].try_into().expect("8 bytes"));
    let packed = index_len.checked_add(data_len).and_then(|n| n.checked_add(TRAILER));
    match packed.and_then(|packed| total.checked_sub(packed)) {
        Some(executable_len) => Ok(Some((executable_len, index_len, data_len))),
        None => Err(std::io::Error::other("the pack's lengths do not fit the file")),
    }
}

/// What `pack` wrote.
#[derive(Debug)]
pub struct Packed {
    pub files: usize,
    pub bytes: u64,
    pub output_name: String,
}

/// Writes `out`: the executable `binary` (without any pack it already carries) followed
/// by every file under `site` (the folder cargo-leptos built, e.g. `target/site`).
/// `output_name` is the app's file stem there (`chatpulse`).
pub fn pack(binary: &Path, site: &Path, output_name: &str, out: &Path) -> std::io::Result<Packed> {
    let mut paths = Vec::new();
    collect_files(site, site, &mut paths)?;
    paths.sort();
    let app_file = |path: &str| {
        HASHED_EXTENSIONS.iter().any(|ext| {
            let name = format!("pkg/{output_name}.{ext}");
            path == name || path.strip_prefix(&name).is_some_and(|rest| rest == ".br" || rest == ".gz")
        })
    };
    let mut hasher = Sha256::new();
    for (relative, absolute) in &paths {
        if app_file(relative) && !relative.ends_with(".br") && !relative.ends_with(".gz") {
            hasher.update(std::fs::read(absolute)?);
        }
    }
    let hash = hex::encode(&hasher.finalize()[..5]);
    let hashed_name = format!("{output_name}.{hash}");

    let mut executable = Vec::new();
    let mut input = std::fs::File::open(binary)?;
    let executable_len = match trailer(&mut input)? {
        Some((len, _, _)) => len,
        None => input.seek(SeekFrom::End(0))?,
    };
    input.seek(SeekFrom::Start(0))?;
    input.take(executable_len).read_to_end(&mut executable)?;

    let temporary = out.with_extension("partial");
    let mut writer = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
    writer.write_all(&executable)?;
    let mut index = Index { output_name: hashed_name.clone(), files: Vec::new() };
    let mut offset = 0u64;
    for (relative, absolute) in &paths {
        if is_split_loader(relative) && (relative.ends_with(".br") || relative.ends_with(".gz")) {
            continue;
        }
        let mut content = std::fs::read(absolute)?;
        if is_split_loader(relative) {
            content = importing_hashed_app(&content, output_name, &hashed_name);
        }
        let path = if app_file(relative) {
            relative.replacen(&format!("pkg/{output_name}."), &format!("pkg/{hashed_name}."), 1)
        } else {
            relative.clone()
        };
        writer.write_all(&content)?;
        index.files.push(IndexEntry { path, offset, len: content.len() as u64 });
        offset += content.len() as u64;
    }
    let index_json = serde_json::to_vec(&index).map_err(std::io::Error::other)?;
    writer.write_all(&index_json)?;
    writer.write_all(&(index_json.len() as u64).to_le_bytes())?;
    writer.write_all(&offset.to_le_bytes())?;
    writer.write_all(MAGIC)?;
    writer.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&temporary, out)?;
    Ok(Packed { files: index.files.len(), bytes: offset, output_name: hashed_name })
}

/// `pkg/__wasm_split.<anything>.js` and its precompressed copies: the loader of the
/// lazily loaded WASM files.
fn is_split_loader(relative: &str) -> bool {
    relative
        .strip_prefix("pkg/__wasm_split.")
        .is_some_and(|rest| [".js", ".js.br", ".js.gz"].iter().any(|ext| rest.ends_with(ext)))
}

/// The split loader's source with its import of the app's JS (`"/pkg/<output_name>.js"`)
/// pointed at the hashed name, so that it shares the module the page loaded.
fn importing_hashed_app(source: &[u8], output_name: &str, hashed_name: &str) -> Vec<u8> {
    let source = String::from_utf8_lossy(source);
    source.replace(&format!("\"/pkg/{output_name}.js\""), &format!("\"/pkg/{hashed_name}.js\"")).into_bytes()
}

fn collect_files(root: &Path, folder: &Path, into: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(root, &path, into)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            into.push((relative.to_string_lossy().replace('\\', "/"), path.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_site_reads_back_with_hashed_app_files_and_repacking_replaces_it() {
        let dir = std::env::temp_dir().join(format!("chatpulse-pack-{}", std::process::id()));
        let site = dir.join("site");
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        std::fs::create_dir_all(site.join("vendor")).unwrap();
        std::fs::write(site.join("pkg/chatpulse.wasm"), b"\0asm-bytes").unwrap();
        std::fs::write(site.join("pkg/chatpulse.wasm.br"), b"brotli").unwrap();
        std::fs::write(site.join("pkg/chatpulse.js"), b"export default 1").unwrap();
        std::fs::write(site.join("vendor/echarts.js"), b"echarts").unwrap();
        let loader = "pkg/__wasm_split.______________________.js";
        std::fs::write(site.join(loader), b"import { initSync } from \"/pkg/chatpulse.js\";").unwrap();
        std::fs::write(site.join(format!("{loader}.br")), b"brotli loader").unwrap();
        let binary = dir.join("binary");
        std::fs::write(&binary, b"\x7fELF pretend executable").unwrap();

        let out = dir.join("chatpulse");
        let packed = pack(&binary, &site, "chatpulse", &out).unwrap();
        assert_eq!(packed.files, 5, "the loader's precompressed copy is left out");
        let read = EmbeddedSite::read(&out).unwrap().unwrap();
        let expected_loader = format!("import {{ initSync }} from \"/pkg/{}.js\";", read.output_name);
        assert_eq!(read.file(loader), Some(expected_loader.as_bytes()));
        assert!(read.file(&format!("{loader}.br")).is_none());
        let wasm = format!("pkg/{}.wasm", read.output_name);
        assert_eq!(read.file(&wasm), Some(&b"\0asm-bytes"[..]));
        assert_eq!(read.file(&format!("{wasm}.br")), Some(&b"brotli"[..]));
        assert_eq!(read.file("vendor/echarts.js"), Some(&b"echarts"[..]));
        assert!(read.is_hashed(&wasm) && !read.is_hashed("vendor/echarts.js"));
        assert!(read.file("pkg/chatpulse.wasm").is_none(), "the app's files go by their hashed names only");

        // Packing a packed binary again replaces its pack instead of stacking a second.
        std::fs::write(site.join("pkg/chatpulse.wasm"), b"\0asm-changed").unwrap();
        let again = dir.join("chatpulse-again");
        let repacked = pack(&out, &site, "chatpulse", &again).unwrap();
        assert_ne!(repacked.output_name, packed.output_name, "new content, new name");
        let bytes = std::fs::read(&again).unwrap();
        assert!(bytes.starts_with(b"\x7fELF pretend executable"));
        assert_eq!(bytes.windows(MAGIC.len()).filter(|w| *w == &MAGIC[..]).count(), 1);
        assert!(EmbeddedSite::read(&binary).unwrap().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
