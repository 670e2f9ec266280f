//! Where each value of a RON document starts, by path (`contingents\[12\].base`).
//!
//! ron reports `line:col` for syntax and type errors but forgets positions once a value is
//! parsed. Validation reports problems by path; this index maps a path back to the place in
//! the file so every problem carries `line:col`. It is a tolerant scanner: on text it does not
//! understand it stops, and lookups fall back to the nearest enclosing path.

use std::collections::HashMap;

pub use crate::error::LineCol;

/// Start positions of the values of a RON document, keyed by path.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    map: HashMap<String, LineCol>,
}

const MAX_DEPTH: usize = 256;

impl SpanIndex {
    /// Scans `text`.
    pub fn build(text: &str) -> Self {
        // A byte-order mark is not part of the document (see `read_text`).
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut s = Scanner {
            b: text.as_bytes(),
            i: 0,
            line: 1,
            col: 1,
            map: HashMap::new(),
        };
        s.skip_ws();
        // Leading `#![enable(...)]` attributes.
        while s.peek() == Some(b'#') {
            while let Some(c) = s.peek() {
                s.bump();
                if c == b']' {
                    break;
                }
            }
            s.skip_ws();
        }
        let _ = s.value(String::new(), 0);
        SpanIndex { map: s.map }
    }

    /// The position of `path`, or of its nearest enclosing path that has one.
    pub fn find(&self, path: &str) -> Option<LineCol> {
        let mut p = path;
        loop {
            if let Some(lc) = self.map.get(p) {
                return Some(*lc);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    line: usize,
    col: usize,
    map: HashMap<String, LineCol>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn bump(&mut self) {
        if let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            if c == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if c & 0xC0 != 0x80 {
                // Count characters, not UTF-8 continuation bytes.
                self.col += 1;
            }
        }
    }

    fn here(&self) -> LineCol {
        LineCol {
            line: self.line,
            col: self.col,
        }
    }

    /// Length in bytes of the whitespace character at the cursor, if there is one. ron's
    /// whitespace is Unicode `Pattern_White_Space`, which has more than ASCII's.
    fn whitespace_len(&self) -> Option<usize> {
        let rest = &self.b[self.i..];
        match rest.first()? {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => Some(1),
            0xC2 if rest.get(1) == Some(&0x85) => Some(2),
            0xE2 if rest.get(1) == Some(&0x80)
                && matches!(rest.get(2), Some(0x8E | 0x8F | 0xA8 | 0xA9)) =>
            {
                Some(3)
            }
            _ => None,
        }
    }

    fn skip_ws(&mut self) {
        loop {
            if let Some(n) = self.whitespace_len() {
                for _ in 0..n {
                    self.bump();
                }
                continue;
            }
            match self.peek() {
                Some(b'/') if self.b.get(self.i + 1) == Some(&b'/') => {
                    while !matches!(self.peek(), None | Some(b'\n')) {
                        self.bump();
                    }
                }
                Some(b'/') if self.b.get(self.i + 1) == Some(&b'*') => {
                    self.bump();
                    self.bump();
                    let mut depth = 1;
                    while depth > 0 && self.peek().is_some() {
                        if self.peek() == Some(b'*') && self.b.get(self.i + 1) == Some(&b'/') {
                            depth -= 1;
                            self.bump();
                        } else if self.peek() == Some(b'/') && self.b.get(self.i + 1) == Some(&b'*')
                        {
                            depth += 1;
                            self.bump();
                        }
                        self.bump();
                    }
                }
                _ => return,
            }
        }
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || (c == b'#' && self.i == start + 1) {
                self.bump();
            } else {
                break;
            }
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.b[start..self.i]).into_owned())
    }

    fn string(&mut self) -> Option<String> {
        // At a `"`.
        self.bump();
        let mut out = Vec::new();
        loop {
            match self.peek()? {
                b'"' => {
                    self.bump();
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    self.bump();
                    out.push(self.peek()?);
                    self.bump();
                }
                c => {
                    out.push(c);
                    self.bump();
                }
            }
        }
    }

    /// Is the upcoming text `ident :` (a named field), without consuming it?
    fn at_field(&self) -> bool {
        let mut j = self.i;
        let first = match self.b.get(j) {
            Some(c) => *c,
            None => return false,
        };
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return false;
        }
        while j < self.b.len() && (self.b[j].is_ascii_alphanumeric() || self.b[j] == b'_') {
            j += 1;
        }
        while j < self.b.len() && (self.b[j] == b' ' || self.b[j] == b'\t') {
            j += 1;
        }
        self.b.get(j) == Some(&b':') && self.b.get(j + 1) != Some(&b':')
    }

    /// Scans one value at `path`; returns None on text it does not understand.
    fn value(&mut self, path: String, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        let here = self.here();
        self.map.entry(path.clone()).or_insert(here);
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'[' => {
                self.bump();
                let mut k = 0;
                loop {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        self.bump();
                        break;
                    }
                    let before = self.i;
                    self.value(format!("{path}[{k}]"), depth + 1)?;
                    if self.i == before {
                        return None; // not RON this scanner understands: stop, never spin
                    }
                    k += 1;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.bump();
                    }
                }
            }
            b'{' => {
                self.bump();
                loop {
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        self.bump();
                        break;
                    }
                    let key = if self.peek()? == b'"' {
                        self.string()?
                    } else {
                        self.ident()?
                    };
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.bump();
                    self.value(format!("{path}[{key}]"), depth + 1)?;
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.bump();
                    }
                }
            }
            b'(' => self.parens(path, depth)?,
            c if c.is_ascii_alphabetic() || c == b'_' => {
                self.ident()?;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.parens(path, depth)?;
                }
            }
            b'\'' => {
                self.bump();
                while !matches!(self.peek()?, b'\'') {
                    if self.peek()? == b'\\' {
                        self.bump();
                    }
                    self.bump();
                }
                self.bump();
            }
            _ => {
                // A number or other scalar: up to the next delimiter or whitespace.
                let start = self.i;
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b')' | b']' | b'}') || self.whitespace_len().is_some() {
                        break;
                    }
                    self.bump();
                }
                if self.i == start {
                    return None; // a stray delimiter where a value belongs
                }
            }
        }
        Some(())
    }

    /// `( ... )`: named fields, one transparent item (newtype, `Some`), or a tuple.
    fn parens(&mut self, path: String, depth: usize) -> Option<()> {
        self.bump();
        self.skip_ws();
        if self.at_field() {
            loop {
                self.skip_ws();
                if self.peek()? == b')' {
                    self.bump();
                    return Some(());
                }
                let name = self.ident()?;
                self.skip_ws();
                if self.peek()? != b':' {
                    return None;
                }
                self.bump();
                let child = if path.is_empty() {
                    name
                } else {
                    format!("{path}.{name}")
                };
                self.value(child, depth + 1)?;
                self.skip_ws();
                if self.peek()? == b',' {
                    self.bump();
                }
            }
        }
        // Positional. The first item is scanned at `path` itself, so that a newtype
        // (`Some(x)`, `Line([...])`) is transparent; every item is also keyed `path.k`.
        let mut k = 0;
        loop {
            self.skip_ws();
            if self.peek()? == b')' {
                self.bump();
                break;
            }
            let at = self.here();
            let before = self.i;
            if k == 0 {
                self.value(path.clone(), depth + 1)?;
                self.map.entry(format!("{path}.0")).or_insert(at);
            } else {
                self.value(format!("{path}.{k}"), depth + 1)?;
            }
            if self.i == before {
                return None;
            }
            k += 1;
            self.skip_ws();
            if self.peek()? == b',' {
                self.bump();
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_positions() {
        let text = "// c\nScenario(\n  name: \"x\",\n  items: [\n    (id: \"a\", d: Fixed(Minutes(3))),\n    Item(id: \"b\", geo: Line([(lat: 1.0, lon: 2.0)]), mix: [(\"t\", 0.5)]),\n  ],\n)\n";
        let idx = SpanIndex::build(text);
        assert_eq!(idx.find("name"), Some(LineCol { line: 3, col: 9 }));
        assert_eq!(idx.find("items[0].id"), Some(LineCol { line: 5, col: 10 }));
        assert_eq!(idx.find("items[0].d"), Some(LineCol { line: 5, col: 18 }));
        assert_eq!(idx.find("items[1].id"), Some(LineCol { line: 6, col: 14 }));
        assert_eq!(
            idx.find("items[1].geo[0].lon"),
            Some(LineCol { line: 6, col: 46 })
        );
        assert_eq!(
            idx.find("items[1].mix[0].1"),
            Some(LineCol { line: 6, col: 66 })
        );
        // Unknown leaf: falls back to the enclosing value.
        assert_eq!(idx.find("items[1].nothing"), idx.find("items[1]"));
    }

    /// Regression (issue 5, found by the sweep fuzz target): ron's whitespace includes
    /// vertical tab, U+0085, U+200E/F and U+2028/9; the scanner fell out of step on them,
    /// met a `)` inside a list and spun forever, growing its map until memory ran out.
    #[test]
    fn issue5_ron_whitespace_and_stray_delimiters_do_not_hang() {
        let text =
            "Scenario(\n name: \"x\",\n items: [\x0B(id: \"a\"),\u{2028}(id: \"b\")\u{85}],\n)";
        let idx = SpanIndex::build(text);
        assert_eq!(idx.find("items[1].id").map(|p| p.line), Some(3));
        for t in [
            "[)",
            "[1, )]",
            "(a: [}])",
            "{a: )}",
            "(1, ], 2)",
            "[\u{200E})",
        ] {
            let idx = SpanIndex::build(t);
            assert!(
                idx.map.len() <= t.len() + 1,
                "{t:?}: {} entries",
                idx.map.len()
            );
        }
    }

    #[test]
    fn garbage_does_not_panic() {
        for t in [
            "",
            "(((((",
            "[1, 2",
            "\"unterminated",
            "a: b: c",
            "/* x",
            "\u{0}\u{1}",
        ] {
            let _ = SpanIndex::build(t);
        }
        let deep = "[".repeat(100_000);
        let _ = SpanIndex::build(&deep);
    }
}
