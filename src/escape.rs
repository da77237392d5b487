//! Server-supplied text made safe to show: the one place that decides how a reply's strings
//! (error messages, codes, `Location`, request ids) appear in `Display`, logs and span fields.
//!
//! A hostile or broken server must not be able to write lines that look like the
//! application's own, so control characters, Unicode line separators and invisible
//! formatting characters are written as escapes (`\n`, `\u{202e}`), the backslash as `\\`,
//! and the text is cut after [`MAX_SHOWN_CHARS`] characters.

use std::fmt;

/// The most characters of one server string that are shown; the rest is summarised.
pub(crate) const MAX_SHOWN_CHARS: usize = 512;

/// The longest request id recorded.
pub(crate) const MAX_REQUEST_ID_LEN: usize = 64;

/// Displays `text` escaped and bounded; see the module docs.
pub(crate) fn text(text: &str) -> Escaped<'_> {
    Escaped(text, MAX_SHOWN_CHARS)
}

/// [`text`] cut after `max_chars` characters, for values that only name something (a `kid`,
/// an `alg`, a JSON path) and need no more.
pub(crate) fn text_cut(text: &str, max_chars: usize) -> Escaped<'_> {
    Escaped(text, max_chars)
}

/// Cuts `text` to at most `max_bytes` (on a character boundary), so that an error does not
/// hold megabytes of whatever a server chose to send.
pub(crate) fn truncate(mut text: String, max_bytes: usize) -> String {
    if text.len() > max_bytes {
        let mut cut = max_bytes;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

/// See [`text`]: the text and how many of its characters are shown.
pub(crate) struct Escaped<'a>(&'a str, usize);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (shown, (at, c)) in self.0.char_indices().enumerate() {
            if shown == self.1 {
                return write!(f, "...[{} more bytes]", self.0.len() - at);
            }
            match c {
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if is_unsafe(c) => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

/// Control characters, and the invisible ones that reorder or split text in a terminal or a
/// log viewer: bidi overrides and isolates, zero-width characters, line and paragraph
/// separators, the BOM, and interlinear annotation marks.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// A request id is recorded only when it looks like one: 1 to [`MAX_REQUEST_ID_LEN`]
/// characters of `A-Z a-z 0-9 _ -`. Plaid's ids (`m8MDnv9okwxFNBV`) and the UUIDs proxies put
/// in `X-Request-Id` pass; anything else is dropped rather than stored, so the id a caller
/// files a support ticket with, or searches logs for, is never attacker-shaped text.
pub(crate) fn request_id(candidate: &str) -> Option<String> {
    let plausible = (1..=MAX_REQUEST_ID_LEN).contains(&candidate.len())
        && candidate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    plausible.then(|| candidate.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_string(s: &str) -> String {
        text(s).to_string()
    }

    #[test]
    fn control_and_invisible_characters_become_escapes() {
        assert_eq!(
            to_string("a\nb\r\tc\\d\u{1b}[31m\u{0}\u{7f}"),
            "a\\nb\\r\\tc\\\\d\\u{1b}[31m\\u{0}\\u{7f}"
        );
        assert_eq!(
            to_string("x\u{2028}y\u{202e}z\u{200b}\u{feff}\u{85}"),
            "x\\u{2028}y\\u{202e}z\\u{200b}\\u{feff}\\u{85}"
        );
        assert_eq!(to_string("Crédit Agricole — ok"), "Crédit Agricole — ok");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_SHOWN_CHARS + 10);
        let shown = to_string(&long);
        assert!(shown.starts_with(&"é".repeat(MAX_SHOWN_CHARS)));
        assert!(shown.ends_with("...[20 more bytes]"), "{shown}");
        assert_eq!(
            to_string(&"a".repeat(MAX_SHOWN_CHARS)).len(),
            MAX_SHOWN_CHARS
        );
    }

    #[test]
    fn truncate_keeps_whole_characters() {
        assert_eq!(truncate("aé".repeat(3), 4), "aéa");
        assert_eq!(truncate("aé".repeat(3), 2), "a");
        assert_eq!(truncate("short".into(), 100), "short");
    }

    #[test]
    fn only_plausible_request_ids_are_kept() {
        for good in [
            "m8MDnv9okwxFNBV",
            "3f2b5c1e-8d4a-4f1b-9c1e-2a3b4c5d6e7f",
            "a_b",
        ] {
            assert_eq!(request_id(good).as_deref(), Some(good));
        }
        let too_long = "a".repeat(MAX_REQUEST_ID_LEN + 1);
        for bad in [
            "",
            "id\nINFO forged",
            "id with space",
            "ïd",
            "a/b",
            too_long.as_str(),
        ] {
            assert_eq!(request_id(bad), None, "{bad:?}");
        }
        assert!(request_id(&"a".repeat(MAX_REQUEST_ID_LEN)).is_some());
    }
}
