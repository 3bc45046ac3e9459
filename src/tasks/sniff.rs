//! What an upload is, decided from its file name's extension together with its
//! first bytes — never from the client's Content-Type alone. The content type we store (and later serve the file
//! with) is one we derived, so an upload cannot make us serve it as HTML.

/// How many leading bytes the decision looks at.
pub(super) const HEAD_LEN: usize = 16 * 1024;

/// Recordings' extensions; they need a transcription backend.
pub(super) const MEDIA_EXTENSIONS: &[&str] = &[
    "wav", "mp3", "mpga", "aac", "ogg", "oga", "opus", "flac", "m4a", "mp4", "mov", "webm", "weba",
    "mkv",
];

/// Transcripts' extensions (`json`: Whisper's `verbose_json`).
pub(super) const TRANSCRIPT_EXTENSIONS: &[&str] = &["txt", "md", "srt", "vtt", "json"];

/// An accepted upload.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Accepted {
    pub content_type: String,
    /// Whisper `verbose_json` must mention `"segments"` somewhere in the file;
    /// that key often follows the whole transcript text, past the head.
    pub needs_segments: bool,
    /// Audio or video, which only a transcription backend can turn into text.
    pub recording: bool,
}

/// Why an upload is refused, each told apart so the person knows what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    /// No bytes at all.
    Empty,
    /// The name promises a type we read (`.mp3`, `.vtt`) and the bytes are
    /// something else: a renamed file.
    Mismatch,
    /// A type we do not read, by its name.
    Unsupported,
}

/// Media containers recognised by their magic bytes.
#[derive(Debug, Clone, Copy)]
enum Signature {
    Wav,
    Mpeg,
    Ogg,
    Flac,
    Mp4,
    Matroska,
}

impl Signature {
    fn of(head: &[u8]) -> Option<Self> {
        match head {
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'A',
                b'V',
                b'E',
                ..,
            ] => Some(Self::Wav),
            [b'I', b'D', b'3', ..] => Some(Self::Mpeg),
            // MPEG audio / ADTS frame sync: eleven set bits.
            [0xFF, b, ..] if b & 0xE0 == 0xE0 => Some(Self::Mpeg),
            [b'O', b'g', b'g', b'S', ..] => Some(Self::Ogg),
            [b'f', b'L', b'a', b'C', ..] => Some(Self::Flac),
            [_, _, _, _, b'f', b't', b'y', b'p', ..] => Some(Self::Mp4),
            [0x1A, 0x45, 0xDF, 0xA3, ..] => Some(Self::Matroska),
            _ => None,
        }
    }

    /// Client types that describe this container truthfully.
    fn agrees_with(self, client: &str) -> bool {
        let allowed: &[&str] = match self {
            Self::Wav => &["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"],
            Self::Mpeg => &["audio/mpeg", "audio/mp3", "audio/aac", "audio/aacp"],
            Self::Ogg => &["audio/ogg", "audio/opus", "video/ogg"],
            Self::Flac => &["audio/flac", "audio/x-flac"],
            Self::Mp4 => &[
                "audio/mp4",
                "audio/x-m4a",
                "audio/m4a",
                "video/mp4",
                "video/quicktime",
            ],
            Self::Matroska => &[
                "audio/webm",
                "video/webm",
                "audio/x-matroska",
                "video/x-matroska",
            ],
        };
        allowed.contains(&client)
    }

    fn default_type(self, extension: &str) -> &'static str {
        match (self, extension) {
            (Self::Wav, _) => "audio/wav",
            (Self::Mpeg, "aac") => "audio/aac",
            (Self::Mpeg, _) => "audio/mpeg",
            (Self::Ogg, _) => "audio/ogg",
            (Self::Flac, _) => "audio/flac",
            (Self::Mp4, "m4a") => "audio/mp4",
            (Self::Mp4, "mov") => "video/quicktime",
            (Self::Mp4, _) => "video/mp4",
            (Self::Matroska, "weba") => "audio/webm",
            (Self::Matroska, "mkv") => "video/x-matroska",
            (Self::Matroska, _) => "video/webm",
        }
    }
}

/// Decides on an upload from its (sanitized) name, the client's Content-Type
/// and its first bytes (up to `HEAD_LEN`; fewer only when the file is shorter).
pub(super) fn classify(
    filename: &str,
    client_type: Option<&str>,
    head: &[u8],
) -> Result<Accepted, Refusal> {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let known = MEDIA_EXTENSIONS.contains(&extension.as_str())
        || TRANSCRIPT_EXTENSIONS.contains(&extension.as_str());
    if head.is_empty() && (known || extension.is_empty()) {
        return Err(Refusal::Empty);
    }
    let accepted = media_or_text(&extension, client_type, head);
    match accepted {
        Some(accepted) => Ok(accepted),
        None if known => Err(Refusal::Mismatch),
        // No extension, but a client that says audio or video.
        None if extension.is_empty() && client_media_type(client_type).is_some() => {
            Err(Refusal::Mismatch)
        }
        None => Err(Refusal::Unsupported),
    }
}

/// The client's type, lowercased and without parameters, when it names
/// audio or video.
fn client_media_type(client_type: Option<&str>) -> Option<String> {
    client_type
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| t.starts_with("audio/") || t.starts_with("video/"))
}

/// What the upload is when its bytes agree with its name; `None` otherwise.
fn media_or_text(extension: &str, client_type: Option<&str>, head: &[u8]) -> Option<Accepted> {
    let text = |content_type: &str| {
        Some(Accepted {
            content_type: content_type.into(),
            needs_segments: false,
            recording: false,
        })
    };
    match extension {
        "txt" if is_text(head) => text("text/plain; charset=utf-8"),
        "md" if is_text(head) => text("text/markdown; charset=utf-8"),
        "srt" if is_text(head) => text("application/x-subrip"),
        "vtt" if is_text(head) && strip_bom(head).starts_with(b"WEBVTT") => text("text/vtt"),
        "json" if is_text(head) && strip_bom(head).trim_ascii_start().starts_with(b"{") => {
            Some(Accepted {
                content_type: "application/json".into(),
                needs_segments: true,
                recording: false,
            })
        }
        ext if TRANSCRIPT_EXTENSIONS.contains(&ext) => None,
        ext => {
            let client = client_media_type(client_type);
            // No extension at all: the client's audio/video type stands in for it.
            let media_name =
                MEDIA_EXTENSIONS.contains(&ext) || (ext.is_empty() && client.is_some());
            let signature = Signature::of(head).filter(|_| media_name)?;
            let content_type = match client {
                Some(c) if signature.agrees_with(&c) => c,
                _ => signature.default_type(ext).into(),
            };
            Some(Accepted {
                content_type,
                needs_segments: false,
                recording: true,
            })
        }
    }
}

fn strip_bom(head: &[u8]) -> &[u8] {
    head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head)
}

/// Valid UTF-8, allowing a character cut off at the end of the head.
fn is_text(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(s) => !s.contains('\0'),
        Err(e) => e.error_len().is_none() && !head[..e.valid_up_to()].contains(&0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content_type(name: &str, client: Option<&str>, head: &[u8]) -> Option<String> {
        classify(name, client, head).ok().map(|a| a.content_type)
    }

    #[test]
    fn media_needs_a_media_name_and_a_matching_signature() {
        let wav = b"RIFF\x24\0\0\0WAVEfmt ";
        assert_eq!(
            content_type("a.wav", None, wav).as_deref(),
            Some("audio/wav")
        );
        assert_eq!(
            content_type("a", Some("audio/x-wav"), wav).as_deref(),
            Some("audio/x-wav")
        );
        assert_eq!(
            content_type("a.WAV", Some("text/html"), wav).as_deref(),
            Some("audio/wav")
        );
        assert_eq!(content_type("a.exe", Some("audio/wav"), wav), None);
        assert_eq!(content_type("a.mp3", Some("audio/mpeg"), b"hello"), None);
        assert_eq!(
            content_type("a.m4a", Some("audio/mpeg"), b"\0\0\0\x20ftypM4A ").as_deref(),
            Some("audio/mp4"),
            "a client type the signature contradicts is not stored"
        );
        assert_eq!(
            content_type("a.webm", None, b"\x1A\x45\xDF\xA3").as_deref(),
            Some("video/webm")
        );
        assert_eq!(
            content_type("a.mp3", None, b"ID3\x04").as_deref(),
            Some("audio/mpeg")
        );
        assert_eq!(
            content_type("a.mp3", None, b"\xFF\xFB\x90").as_deref(),
            Some("audio/mpeg")
        );
        assert_eq!(
            content_type("a.ogg", None, b"OggS\0").as_deref(),
            Some("audio/ogg")
        );
        assert_eq!(
            content_type("a.flac", None, b"fLaC").as_deref(),
            Some("audio/flac")
        );
    }

    #[test]
    fn transcripts_are_checked_for_their_format() {
        assert!(classify("m.txt", None, "議事録\n".as_bytes()).is_ok());
        assert!(classify("m.txt", None, b"\xFF\xFE\0binary").is_err());
        assert!(
            classify("m.txt", None, &"é".as_bytes()[..1]).is_ok(),
            "cut-off character"
        );
        assert!(classify("m.vtt", None, b"WEBVTT\n\n00:00.000 --> 00:01.000\nhi").is_ok());
        assert!(classify("m.vtt", None, b"1\n00:00:00,000 --> 00:00:01,000\nhi").is_err());
        let json = classify("m.json", None, br#" {"text": "hi", "segments": []}"#).unwrap();
        assert!(json.needs_segments && !json.recording);
        assert!(classify("m.json", None, b"[1, 2]").is_err());
        assert!(classify("m.exe", Some("text/plain"), b"hello").is_err());
        assert!(classify("m", Some("text/plain"), b"hello").is_err());
        assert!(
            classify("a.wav", None, b"RIFF\x24\0\0\0WAVEfmt ")
                .unwrap()
                .recording
        );
    }

    #[test]
    fn refusals_say_whether_the_file_is_empty_renamed_or_of_a_type_we_do_not_read() {
        assert_eq!(classify("m.vtt", None, b""), Err(Refusal::Empty));
        assert_eq!(classify("m.txt", None, b""), Err(Refusal::Empty));
        assert_eq!(
            classify("call", Some("audio/wav"), b""),
            Err(Refusal::Empty)
        );
        assert_eq!(classify("m.exe", None, b""), Err(Refusal::Unsupported));
        // A Windows program renamed `.mp3`; a subtitle file renamed `.vtt`.
        assert_eq!(
            classify("song.mp3", None, b"MZ\x90\0"),
            Err(Refusal::Mismatch)
        );
        assert_eq!(
            classify("m.vtt", None, b"1\n00:00:00,000 --> 00:00:01,000\nhi"),
            Err(Refusal::Mismatch)
        );
        assert_eq!(
            classify("m.txt", None, b"MZ\x90\0\0"),
            Err(Refusal::Mismatch)
        );
        assert_eq!(
            classify("call", Some("audio/wav"), b"MZ"),
            Err(Refusal::Mismatch)
        );
        assert_eq!(
            classify("notes.exe", None, b"MZ"),
            Err(Refusal::Unsupported)
        );
        assert_eq!(
            classify("notes", Some("text/plain"), b"hi"),
            Err(Refusal::Unsupported)
        );
    }
}
