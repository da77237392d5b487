//! `prism mock --errors` on the merged spec, on 127.0.0.1 and a free port, as a value whose
//! `Drop` ends the process by its id (also when a test panics).

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use crate::{merged_spec, node_tools};

pub const PRISM_VERSION: &str = "5.14.2";
const STARTUP_LIMIT: Duration = Duration::from_secs(60);

/// Runs Prism's CLI in this node process and exits when stdin closes: if the test process dies
/// without running `Drop` (SIGKILL, abort), Prism goes with it.
const LAUNCHER: &str = "// Written by tests/conformance/prism.rs.\n\
process.stdin.on('end', () => process.exit(0));\n\
process.stdin.resume();\n\
require('./node_modules/@stoplight/prism-cli/dist/index.js');\n";

/// A running `prism mock`. Dropping it kills Prism's process group and reaps it.
pub struct Prism {
    child: Child,
    pub addr: SocketAddr,
    pub base_url: String,
    log: Arc<Mutex<Vec<String>>>,
}

/// The Prism the tests running at the moment share: started by the first, stopped when the
/// last one lets go. `None` means skip (no Node or npm, locally).
pub fn shared() -> Option<Arc<Prism>> {
    static SHARED: Mutex<Weak<Prism>> = Mutex::new(Weak::new());
    let mut slot = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(prism) = slot.upgrade() {
        return Some(prism);
    }
    let prism = Arc::new(Prism::start()?);
    *slot = Arc::downgrade(&prism);
    Some(prism)
}

impl Prism {
    pub fn start() -> Option<Prism> {
        let package = node_tools::package("prism", "@stoplight/prism-cli", PRISM_VERSION)?;
        let dir = package
            .ancestors()
            .nth(3)
            .expect("target/prism/node_modules/@stoplight/x");
        let launcher = dir.join("run-prism.js");
        if std::fs::read_to_string(&launcher).ok().as_deref() != Some(LAUNCHER) {
            std::fs::write(&launcher, LAUNCHER).expect("target/ is writable");
        }
        let mut failure = String::new();
        for _ in 0..3 {
            match spawn(&launcher, merged_spec::path()) {
                Ok(prism) => return Some(prism),
                // Something took the port between our probe and Prism's bind: try another.
                Err(f) if f.contains("EADDRINUSE") => failure = f,
                Err(f) => panic!("Prism did not start on the merged spec:\n{f}"),
            }
        }
        panic!("Prism did not start on the merged spec:\n{failure}")
    }

    /// Everything Prism has logged so far (stdout and stderr).
    pub fn log(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Where the last Prism's whole log is kept, for reading after a run.
pub fn log_file() -> std::path::PathBuf {
    node_tools::target_dir().join("conformance/prism.log")
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Prism runs in its own process group (see `spawn`): end the group, not just node.
        // SAFETY: kill(2) with a negative pid signals that process group and nothing else.
        unsafe {
            libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::write(log_file(), self.log().join("\n") + "\n");
    }
}

fn spawn(launcher: &Path, spec: &Path) -> Result<Prism, String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port();
    let mut command = Command::new("node");
    command
        .arg(launcher)
        .arg("mock")
        .arg(spec)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        // --errors: a reply that breaks the spec becomes a 500 with `sl-violations`. Replies
        // are static; the dynamic pass asks for generated ones per request (`Prefer`).
        .args(["--errors", "--multiprocess=false"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let log = Arc::new(Mutex::new(Vec::new()));
    drain(child.stdout.take().expect("piped"), &log);
    drain(child.stderr.take().expect("piped"), &log);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut prism = Prism {
        child,
        addr,
        base_url: format!("http://{addr}"),
        log,
    };
    let started = Instant::now();
    loop {
        let listening = prism.log().iter().any(|l| l.contains("Prism is listening"));
        if listening && TcpStream::connect(addr).is_ok() {
            return Ok(prism);
        }
        if let Ok(Some(status)) = prism.child.try_wait() {
            std::thread::sleep(Duration::from_millis(200)); // let the drains catch up
            return Err(format!(
                "Prism exited ({status}):\n{}",
                prism.log().join("\n")
            ));
        }
        if started.elapsed() > STARTUP_LIMIT {
            return Err(format!(
                "Prism did not answer within {STARTUP_LIMIT:?}:\n{}",
                prism.log().join("\n")
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Keeps reading one of Prism's pipes into the log, so Prism never blocks on a full pipe.
fn drain(pipe: impl Read + Send + 'static, log: &Arc<Mutex<Vec<String>>>) {
    let log = Arc::clone(log);
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(line);
        }
    });
}
