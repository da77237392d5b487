//! A small line diff, for showing how a text listing (the API surface) changed.

/// One line of a line diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// A line in both texts.
    Same(&'a str),
    /// A line only the old text has.
    Removed(&'a str),
    /// A line only the new text has.
    Added(&'a str),
}

/// The edit script from `old` to `new` (longest common subsequence of lines).
pub fn diff_lines<'a>(old: &'a str, new: &'a str) -> Vec<Line<'a>> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    // lcs[i][j]: length of the LCS of am[i..] and bm[j..].
    let width = bm.len() + 1;
    let mut lcs = vec![0u32; (am.len() + 1) * width];
    for i in (0..am.len()).rev() {
        for j in (0..bm.len()).rev() {
            lcs[i * width + j] = if am[i] == bm[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let mut out: Vec<Line> = a[..prefix].iter().map(|l| Line::Same(l)).collect();
    let (mut i, mut j) = (0, 0);
    while i < am.len() || j < bm.len() {
        if i < am.len() && j < bm.len() && am[i] == bm[j] {
            out.push(Line::Same(am[i]));
            i += 1;
            j += 1;
        } else if i < am.len()
            && (j == bm.len() || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])
        {
            out.push(Line::Removed(am[i]));
            i += 1;
        } else {
            out.push(Line::Added(bm[j]));
            j += 1;
        }
    }
    out.extend(a[a.len() - suffix..].iter().map(|l| Line::Same(l)));
    out
}

/// A unified-style diff with `context` unchanged lines around each change; empty when the
/// texts are equal.
pub fn unified(old: &str, new: &str, context: usize) -> String {
    let script = diff_lines(old, new);
    let changed: Vec<usize> = script
        .iter()
        .enumerate()
        .filter(|(_, l)| !matches!(l, Line::Same(_)))
        .map(|(i, _)| i)
        .collect();
    let mut out = String::new();
    let mut shown_to = 0;
    let (mut old_no, mut new_no) = (vec![0; script.len()], vec![0; script.len()]);
    let (mut o, mut n) = (1, 1);
    for (k, line) in script.iter().enumerate() {
        old_no[k] = o;
        new_no[k] = n;
        match line {
            Line::Same(_) => {
                o += 1;
                n += 1;
            }
            Line::Removed(_) => o += 1,
            Line::Added(_) => n += 1,
        }
    }
    for &c in &changed {
        let start = c.saturating_sub(context).max(shown_to);
        if start > shown_to || shown_to == 0 {
            out.push_str(&format!("@@ -{} +{} @@\n", old_no[start], new_no[start]));
        }
        let end = (c + context + 1).min(script.len());
        for line in &script[start.max(shown_to)..end] {
            let (mark, text) = match line {
                Line::Same(t) => (' ', t),
                Line::Removed(t) => ('-', t),
                Line::Added(t) => ('+', t),
            };
            out.push(mark);
            out.push_str(text);
            out.push('\n');
        }
        shown_to = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("a\nb\n", "a\nb\n", 3), "");
    }

    #[test]
    fn changes_show_with_context_and_line_numbers() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\n";
        assert_eq!(
            unified(old, new, 1),
            "@@ -3 +3 @@\n c\n-d\n+D\n e\n@@ -8 +8 @@\n h\n+i\n"
        );
    }

    #[test]
    fn script_keeps_common_lines() {
        let script = diff_lines("x\ny\nz", "y\nz\nw");
        assert_eq!(
            script,
            [
                Line::Removed("x"),
                Line::Same("y"),
                Line::Same("z"),
                Line::Added("w")
            ]
        );
    }
}
