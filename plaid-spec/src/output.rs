//! Writing the tool's output. `plaid-spec diff --json | head` closes the pipe early; that is
//! the reader saying it has seen enough, not an error, so a closed stdout ends the output
//! quietly (no panic, no message) and the command keeps its own exit code.

use std::io::{self, Write};

/// Writes `text` to stdout. A closed pipe is not an error; any other write failure is.
pub fn print(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    quiet_on_broken_pipe(
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush()),
    )
}

/// Writes `text` to stderr, ignoring failures: there is nowhere left to report them.
pub fn eprint(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

fn quiet_on_broken_pipe(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_broken_pipe_is_quiet() {
        let broken = io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(quiet_on_broken_pipe(Err(broken)).is_ok());
        let full = io::Error::from(io::ErrorKind::StorageFull);
        assert!(quiet_on_broken_pipe(Err(full)).is_err());
    }
}
