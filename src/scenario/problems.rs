//! One collector of input problems, shared by the scenario, study and sweep validators:
//! problems are gathered by path (`contingents\[3\].base`) and located in the file at the end.

use super::span::SpanIndex;
use crate::error::{Diagnostic, Error, Result};

/// The problems found so far in one input file, in the order they were found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Problems {
    list: Vec<(String, String)>,
}

impl Problems {
    /// No problems yet.
    pub fn new() -> Self {
        Problems::default()
    }

    /// Records a problem at `path` (empty for the whole file): what is wrong and what was
    /// expected.
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.list.push((path.into(), message.into()));
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The problems as `(path, message)` pairs, unlocated.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.list
    }

    /// The problems located in `text`, the content of `file`, in the order found.
    pub fn locate(self, file: &str, text: &str) -> Vec<Diagnostic> {
        if self.list.is_empty() {
            return Vec::new();
        }
        let spans = SpanIndex::build(text);
        self.list
            .into_iter()
            .map(|(path, message)| Diagnostic {
                file: file.to_string(),
                at: spans.find(&path),
                path,
                message,
            })
            .collect()
    }

    /// `Ok` if nothing was found, else every problem located in `file`, in the order found.
    pub fn finish(self, file: &str, text: &str) -> Result<()> {
        let problems = self.locate(file, text);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid { problems })
        }
    }

    /// As [`Problems::finish`], with the problems in file order.
    pub fn finish_sorted(self, file: &str, text: &str) -> Result<()> {
        let mut problems = self.locate(file, text);
        if problems.is_empty() {
            return Ok(());
        }
        problems.sort_by_key(|d| d.at);
        Err(Error::Invalid { problems })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_located_by_path_and_sorted_on_request() {
        let text = "(\n  a: 1,\n  b: 2,\n)";
        let mut pr = Problems::new();
        pr.add("b", "bad b");
        pr.add("a", "bad a");
        let Err(Error::Invalid { problems }) = pr.clone().finish("f.ron", text) else {
            panic!("expected problems")
        };
        assert_eq!(problems[0].path, "b");
        assert_eq!(problems[0].at.map(|a| a.line), Some(3));
        let Err(Error::Invalid { problems }) = pr.finish_sorted("f.ron", text) else {
            panic!("expected problems")
        };
        assert_eq!(problems[0].path, "a");
        assert!(Problems::new().finish("f.ron", text).is_ok());
    }
}
