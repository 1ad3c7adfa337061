//! What reaches the terminal. User data (a computer name from a hostile CSV, a title
//! saved by an older version) may hold control characters, and a terminal must never
//! act on them: every line the CLI prints goes through [`safe`].

use std::fmt::Write;

/// `text` with every control character but the CLI's own line breaks and tabs written
/// as a visible escape (`\u{1b}`), so an escape sequence cannot recolour, move the
/// cursor or retitle the terminal.
pub fn safe(text: &str) -> String {
    escape(text, |c| c == '\n' || c == '\t')
}

/// [`safe`] for one line: line breaks are escaped too (an error message, a rejection
/// reason quoting a field).
pub fn line(text: &str) -> String {
    escape(text, |_| false)
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> String {
    if !text.chars().any(|c| c.is_control() && !keep(c)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && !keep(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(super::safe("PC\u{1b}[31mRED"), "PC\\u{1b}[31mRED");
        assert_eq!(super::safe("a\tb\nc\r"), "a\tb\nc\\u{d}");
        assert_eq!(super::line("a\nb"), "a\\u{a}b");
        assert_eq!(super::safe("São Paulo"), "São Paulo");
    }
}
