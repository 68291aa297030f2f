//! The hostile strings: fragments of every kind that breaks naive SQL quoting, escaping,
//! parsing or display, combined systematically into several hundred values.

/// The pieces every value of the corpus is made of, a group of one kind per line.
#[rustfmt::skip] // one line per kind reads better than one line per fragment
const FRAGMENTS: &[&str] = &[
    // Quotes, doubled, escaped and unbalanced.
    "'", "\"", "`", "''", "\"\"", "``", "\\'", "'\\", "\\\"", "'\"`",
    // Comments and statement separators.
    "--", "-- ", "/*", "*/", "/* x */", "#", ";", ";;",
    // Backslashes: single, double, trailing, before a quote, a wildcard, an `n`, a `0`.
    "\\", "\\\\", "a\\", "\\n", "\\0", "\\x00", "\\%", "\\_",
    // LIKE wildcards and their mixes.
    "%", "_", "%%", "__", "%_", "a%b", "a_b", "100%",
    // Keywords, and the placeholders of every dialect.
    "SELECT", "NULL", "null", "DROP", "OR 1=1", "DEFAULT", "?", "$1", "$$", ":name", "@v",
    // Control characters.
    "\t", "\r", "\n", "\r\n", "\x0b", "\x0c", "\x07", "\x08", "\x1b[31m", "\x7f",
    // NUL.
    "\0", "a\0b",
    // Bidi marks and overrides, zero-width characters, other invisible separators.
    "\u{200f}", "\u{200e}", "\u{202e}", "\u{202d}abc\u{202c}", "\u{2066}", "\u{200d}",
    "\u{200b}", "\u{feff}", "\u{2028}", "\u{a0}",
    // Combining characters: `é` decomposed, a stack of accents, a mark with no base.
    "e\u{301}", "a\u{300}\u{301}\u{302}\u{303}", "\u{301}",
    // Astral plane: emoji, a ZWJ family, a flag, a mathematical letter, the last code point.
    "\u{1f600}", "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}", "\u{1f1eb}\u{1f1f7}",
    "\u{1d54f}", "\u{10ffff}",
    // Look-alikes of quotes and backslash.
    "\u{2019}", "\u{2018}", "\u{201c}", "\u{ff07}", "\u{ff02}", "\u{ff3c}", "\u{2bc}",
    // Other scripts and case-folding traps.
    "Straße", "İı", "中文", "\u{fffd}",
];

/// Values whose spaces are significant: `eq` must tell them apart.
const SPACES: &[&str] = &["", " ", "  ", "a ", " a", "a  ", "a \t", "\u{3000}"];

/// The corpus: each fragment alone and wrapped, each followed by others of other kinds,
/// injection shapes with each quote and comment marker, significant spaces, and long
/// values. Without duplicates, in a fixed order.
pub(crate) fn corpus() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    let n = FRAGMENTS.len();
    for (i, f) in FRAGMENTS.iter().enumerate() {
        push((*f).to_string());
        push(format!("a{f}"));
        push(format!("{f}z"));
        push(format!("x{f}y{f}z"));
        push(f.repeat(3));
        // Three strides through the list, so that each fragment also meets fragments
        // of other groups.
        for step in [1, 9, 23] {
            push(format!("{f}{}", FRAGMENTS[(i + step) % n]));
        }
    }
    for quote in ["'", "\"", "`", "\\'", "''", "\u{2019}"] {
        for end in ["--", "-- ", "#", "/*", ""] {
            push(format!("{quote}; DROP TABLE attack_sentinel; {end}"));
        }
        push(format!("x{quote} OR {quote}1{quote}={quote}1"));
        push(format!("{quote}) OR 1=1; DELETE FROM attack_strings; --"));
    }
    for s in SPACES {
        push((*s).to_string());
    }
    push("'".repeat(10_000));
    push("\\".repeat(10_001));
    push(one_mebibyte());
    out
}

/// Exactly 1 MiB: the fragments over and over, padded with `a`.
pub(crate) fn one_mebibyte() -> String {
    const SIZE: usize = 1 << 20;
    let mut s = String::with_capacity(SIZE);
    for f in FRAGMENTS.iter().cycle() {
        if s.len() + f.len() > SIZE {
            break;
        }
        s.push_str(f);
    }
    s.extend(std::iter::repeat_n('a', SIZE - s.len()));
    s
}
