//! Static files from the site packed into the binary (`site_bundle`): the precompressed
//! variant the browser accepts, a year's cache for the app's hash-named files, and a
//! revalidation (ETag) for the others, whose names do not change with their content.

use std::sync::Arc;

use axum::body::Body;
use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use crate::server::site_bundle::EmbeddedSite;

/// Answers `path` (`/pkg/…`) from `site`, or `None` when the site has no such file.
pub fn embedded_file(site: &Arc<EmbeddedSite>, path: &str, request_headers: &HeaderMap) -> Option<Response> {
    let path = path.trim_start_matches('/');
    let plain = site.served(path)?;
    let accepted = request_headers.get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let accepts = |coding: &str| accepted.split(',').any(|c| c.split(';').next().unwrap_or("").trim() == coding);
    let ((body, etag), encoding) = [("br", ".br"), ("gzip", ".gz")]
        .iter()
        .find_map(|(coding, suffix)| {
            accepts(coding).then(|| site.served(&format!("{path}{suffix}"))).flatten().map(|b| (b, Some(*coding)))
        })
        .unwrap_or((plain, None));
    let mut response = Response::builder().header(CONTENT_TYPE, content_type(path)).header(VARY, "Accept-Encoding");
    if let Some(coding) = encoding {
        response = response.header(CONTENT_ENCODING, coding);
    }
    if site.is_hashed(path) {
        response = response.header(CACHE_CONTROL, "public, max-age=31536000, immutable");
    } else {
        let matches = request_headers.get(IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes());
        response = response.header(CACHE_CONTROL, "no-cache").header(ETAG, HeaderValue::from_str(etag).ok()?);
        if matches {
            return response.status(StatusCode::NOT_MODIFIED).body(Body::empty()).ok();
        }
    }
    response.body(Body::from(body)).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::site_bundle::pack;

    fn header<'a>(response: &'a Response, name: &str) -> &'a str {
        response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    #[test]
    fn the_accepted_precompressed_variant_is_sent_and_unhashed_files_revalidate() {
        let dir = std::env::temp_dir().join(format!("chatpulse-site-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("site/pkg")).unwrap();
        std::fs::create_dir_all(dir.join("site/vendor")).unwrap();
        std::fs::write(dir.join("site/pkg/chatpulse.js"), b"plain js").unwrap();
        std::fs::write(dir.join("site/pkg/chatpulse.js.br"), b"br js").unwrap();
        std::fs::write(dir.join("site/pkg/chatpulse.js.gz"), b"gz js").unwrap();
        std::fs::write(dir.join("site/vendor/lib.js"), b"vendor").unwrap();
        std::fs::write(dir.join("binary"), b"exe").unwrap();
        pack(&dir.join("binary"), &dir.join("site"), "chatpulse", &dir.join("out")).unwrap();
        let site = Arc::new(EmbeddedSite::read(&dir.join("out")).unwrap().unwrap());
        let js = format!("/pkg/{}.js", site.output_name);
        let with = |encoding: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(encoding).unwrap());
            headers
        };

        let br = embedded_file(&site, &js, &with("gzip, deflate, br")).unwrap();
        assert_eq!((header(&br, "content-encoding"), header(&br, "vary")), ("br", "Accept-Encoding"));
        assert_eq!(header(&br, "cache-control"), "public, max-age=31536000, immutable");
        assert_eq!(header(&br, "content-type"), "text/javascript; charset=utf-8");
        let gz = embedded_file(&site, &js, &with("gzip;q=1.0")).unwrap();
        assert_eq!(header(&gz, "content-encoding"), "gzip");
        let plain = embedded_file(&site, &js, &HeaderMap::new()).unwrap();
        assert_eq!(header(&plain, "content-encoding"), "");

        let vendor = embedded_file(&site, "/vendor/lib.js", &HeaderMap::new()).unwrap();
        assert_eq!(header(&vendor, "cache-control"), "no-cache");
        let mut revalidate = HeaderMap::new();
        revalidate.insert(IF_NONE_MATCH, HeaderValue::from_str(header(&vendor, "etag")).unwrap());
        assert_eq!(embedded_file(&site, "/vendor/lib.js", &revalidate).unwrap().status(), StatusCode::NOT_MODIFIED);
        assert!(embedded_file(&site, "/pkg/chatpulse.js", &HeaderMap::new()).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
