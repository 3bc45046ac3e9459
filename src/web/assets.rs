//! The embedded files and the one hash that names this build of them.

use std::borrow::Cow;

use rust_embed::RustEmbed;
use sha2::{Digest as _, Sha256};

/// Embedded in debug builds too, so tests serve exactly what a release does.
#[derive(RustEmbed)]
#[folder = "web/"]
struct Files;

const INDEX: &str = "index.html";

pub(super) struct Site {
    hash: String,
    /// `index.html` with the asset prefix filled in; the upload limit is
    /// filled per request from the settings.
    index: String,
}

impl Site {
    pub fn load() -> Self {
        let mut names: Vec<Cow<'static, str>> = Files::iter().collect();
        names.sort();
        let mut digest = Sha256::new();
        for name in &names {
            let file = Files::get(name).expect("an embedded file is there");
            digest.update(name.as_bytes());
            digest.update(file.metadata.sha256_hash());
        }
        let hash: String = digest
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let index = Files::get(INDEX).expect("web/index.html is embedded");
        let index =
            String::from_utf8_lossy(&index.data).replace("{{assets}}", &format!("/assets/{hash}"));
        Self { hash, index }
    }

    pub fn index(&self, max_upload_bytes: u64) -> String {
        self.index
            .replace("{{max_upload_bytes}}", &max_upload_bytes.to_string())
    }

    /// A file of this build, with its content type; `None` for another
    /// build's hash, an unknown file or `index.html` (served only at `/`).
    pub fn asset(&self, hash: &str, path: &str) -> Option<(Cow<'static, [u8]>, &'static str)> {
        if hash != self.hash || path == INDEX {
            return None;
        }
        let content_type = content_type(path)?;
        Files::get(path).map(|file| (file.data, content_type))
    }
}

/// Only the kinds of file the app ships; anything else is not served.
fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1;
    Some(match ext {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => return None,
    })
}
