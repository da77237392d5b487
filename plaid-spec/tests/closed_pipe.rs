//! `plaid-spec ... | head`: when the reader closes the pipe, every command ends quietly with
//! its own exit code instead of panicking with "failed printing to stdout: Broken pipe".

mod support;

use std::process::Command;

use support::{fixture, root, vendored};

#[test]
fn every_command_ends_quietly_on_a_closed_stdout() {
    let vendored = vendored();
    let full = fixture("plaid-1.697.4-full.yml");
    let (vendored, full) = (vendored.to_str().unwrap(), full.to_str().unwrap());
    let cases: [(&[&str], i32); 6] = [
        (&["help"], 0),
        (&["check"], 0),
        (&["merge"], 0),
        (&["diff", vendored, full], 1),
        (&["diff", "--json", vendored, full], 1),
        (&["surface"], 0),
    ];
    for (args, expected) in cases {
        // The read end is closed before the tool starts: its first write meets EPIPE.
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_plaid-spec"))
            .args(args)
            .current_dir(root())
            .stdout(writer)
            .output()
            .expect("plaid-spec runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?} wrote to stderr: {stderr}");
    }
}
