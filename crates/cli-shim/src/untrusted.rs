//! Text that came from outside connkit (a server's names and messages, a plugin's
//! findings, a file's content) made safe to print on a terminal.
//!
//! A connector named `x\r\x1b[2Kerror: token leaked` must not move the cursor, erase
//! the line or print a line that looks like ours. Every control character (C0, DEL and
//! C1, which includes ESC and the 8-bit CSI) is shown as an escape such as `\n`, `\r`,
//! `\t` or `\u{1b}`, and so are the bidirectional overrides and isolates that can make
//! text read in another order than it is (the "Trojan Source" characters). Everything
//! else, any script or emoji, is printed as it is.
//!
//! JSON output needs none of this: serde_json already writes every C0 control as an
//! escape, and the value a program reads is the server's, unchanged.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every character that could steer a terminal escaped; borrowed when
/// there is none (the usual case).
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, |_| false)
}

/// As [`escape`], but line feeds and tabs stay as they are: for multi-line text such
/// as a unified diff of a server's document, whose lines we print one under another.
pub fn escape_keeping_lines(text: &str) -> Cow<'_, str> {
    escape_with(text, |c| matches!(c, '\n' | '\t'))
}

fn escape_with(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let steers = |c: char| is_steering(c) && !keep(c);
    let Some(first) = text.find(steers) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if !steers(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Writing to a String cannot fail.
            other => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(other));
            }
        }
    }
    Cow::Owned(out)
}

/// A control character, or a bidirectional embedding, override or isolate.
fn is_steering(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_of_any_script_is_borrowed_as_is() {
        for text in [
            "Acme HR",
            "Café Zürich",
            "日本語のコネクタ",
            "🚀 rocket",
            "",
        ] {
            assert!(
                matches!(escape(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn a_name_cannot_move_the_cursor_or_fake_a_line() {
        let name = "x\r\x1b[2Kerror: token leaked\nnext";
        assert_eq!(escape(name), "x\\r\\u{1b}[2Kerror: token leaked\\nnext");
        assert_eq!(escape("\u{9b}31m\u{7f}\t"), "\\u{9b}31m\\u{7f}\\t");
    }

    #[test]
    fn bidirectional_overrides_are_shown() {
        assert_eq!(escape("abc\u{202e}fed\u{2066}"), "abc\\u{202e}fed\\u{2066}");
    }

    #[test]
    fn multi_line_text_keeps_its_lines_but_not_its_escapes() {
        assert_eq!(
            escape_keeping_lines("-a\n+b\x1b[1A\r\tc\n"),
            "-a\n+b\\u{1b}[1A\\r\tc\n"
        );
    }
}
