//! The page a widget is on, reduced to what the figures need and nothing personal: the
//! origin and path of a URL. Query strings, fragments and `user:password@` can carry
//! e-mail addresses, tokens and names, so they are dropped before anything is stored.

/// Longest stored page, in characters.
pub const MAX_PAGE_CHARS: usize = 512;

/// `scheme://host[:port]/path` (lower-cased scheme and host) or `/path`, cut to
/// `MAX_PAGE_CHARS`; `None` for anything that is neither an http(s) URL nor an absolute
/// path (an unknown page, never a reason to refuse an event).
pub fn normalize_page_url(text: &str) -> Option<String> {
    let text = text.trim();
    if text.chars().any(char::is_control) {
        return None;
    }
    let page = if text.starts_with('/') && !text.starts_with("//") {
        path_of(text).to_string()
    } else {
        let (scheme, rest) = text.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        if host.is_empty() || host.contains(char::is_whitespace) {
            return None;
        }
        let path = path_of(&rest[authority_end..]);
        let path = if path.is_empty() { "/" } else { path };
        format!("{scheme}://{}{path}", host.to_ascii_lowercase())
    };
    Some(page.chars().take(MAX_PAGE_CHARS).collect())
}

/// The part before any query string or fragment.
fn path_of(text: &str) -> &str {
    &text[..text.find(['?', '#']).unwrap_or(text.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_origin_and_path_are_kept() {
        let cases = [
            ("https://Shop.Example/pricing?email=a@b.c#top", Some("https://shop.example/pricing")),
            ("HTTP://user:secret@shop.example:8080/a/b/", Some("http://shop.example:8080/a/b/")),
            ("https://shop.example", Some("https://shop.example/")),
            ("https://shop.example?q=1", Some("https://shop.example/")),
            ("/pricing?utm_source=x", Some("/pricing")),
            ("  /Pricing  ", Some("/Pricing")),
        ];
        for (given, kept) in cases {
            assert_eq!(normalize_page_url(given).as_deref(), kept, "{given}");
        }
    }

    #[test]
    fn anything_else_is_an_unknown_page() {
        for given in ["javascript:alert(1)", "ftp://x/y", "pricing", "//evil.example/x", "https:///x", "", "/a\nb"] {
            assert_eq!(normalize_page_url(given), None, "{given:?}");
        }
    }

    #[test]
    fn long_pages_are_cut_on_a_character_boundary() {
        let long = format!("https://shop.example/{}", "ş".repeat(2000));
        let kept = normalize_page_url(&long).unwrap();
        assert_eq!(kept.chars().count(), MAX_PAGE_CHARS);
    }
}
