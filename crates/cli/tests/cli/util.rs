//! Running the `denali` binary, fixture paths, golden files and the external corpus.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root: tests run the binary from here, so paths in outputs are
/// `fixtures/835/basic.835`, the same on every machine.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What a run gave back.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Each stdout line as JSON.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// All of stdout as one JSON document.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

/// A `denali` command run from the workspace root with a clean environment for the things
/// that change output (terminal width, timestamps).
pub fn denali(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_denali"));
    c.current_dir(root())
        .args(args)
        .env_remove("COLUMNS")
        .env("SOURCE_DATE_EPOCH", "1717236000")
        .env("TZ", "UTC");
    c
}

/// Runs with empty stdin.
pub fn run(args: &[&str]) -> Out {
    run_cmd(denali(args), None)
}

/// Runs with these bytes on stdin.
pub fn run_stdin(args: &[&str], stdin: &[u8]) -> Out {
    run_cmd(denali(args), Some(stdin))
}

pub fn run_cmd(mut c: Command, stdin: Option<&[u8]>) -> Out {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn denali");
    let input = stdin.map(<[u8]>::to_vec).unwrap_or_default();
    let mut pipe = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        // The command may stop reading early; a broken pipe here is fine.
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for denali");
    writer.join().expect("stdin writer");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Compares `actual` with `fixtures/expected/<name>`; `DENALI_BLESS=1` rewrites the file.
pub fn golden(name: &str, actual: &str) {
    let path = root().join("fixtures/expected").join(name);
    if std::env::var_os("DENALI_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with DENALI_BLESS=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output at line {} (DENALI_BLESS=1 rewrites it)\nexpected: {:?}\nactual:   {:?}",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

/// The shared external corpus, when `DENALI_EXTERNAL_FIXTURES` names it. Prints why and returns
/// `None` when unset; panics when it is set but missing, so CI cannot silently skip.
pub fn external() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("DENALI_EXTERNAL_FIXTURES") else {
        eprintln!(
            "skipped: DENALI_EXTERNAL_FIXTURES is not set (the external corpus lives in ../shared/fixtures/external)"
        );
        return None;
    };
    let mut p = PathBuf::from(dir);
    if p.is_relative() {
        p = root().join(p);
    }
    assert!(
        p.join("SOURCES.md").is_file(),
        "DENALI_EXTERNAL_FIXTURES is set to {} but it holds no SOURCES.md",
        p.display()
    );
    Some(p)
}

/// One file listed in the corpus's SOURCES.md.
#[derive(Debug)]
pub struct Source {
    /// `<repo dir>/<file>`.
    pub path: String,
    /// Transaction type column (`835`, `837P`, `invalid 835`…).
    pub tx: String,
    /// CLP or CLM segments.
    pub claims: u64,
}

/// The SOURCES.md tables.
pub fn sources(dir: &Path) -> Vec<Source> {
    let text = std::fs::read_to_string(dir.join("SOURCES.md")).expect("SOURCES.md");
    let mut repo = String::new();
    let mut header: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            repo = h.trim().to_string();
            header.clear();
            continue;
        }
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.get(1) == Some(&"File") {
            header = cells.iter().map(|c| c.to_string()).collect();
            continue;
        }
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| cells.get(i))
                .copied()
        };
        let (Some(file), Some(tx), Some(claims)) = (col("File"), col("Tx"), col("CLP/CLM")) else {
            continue;
        };
        let claims = claims
            .split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        out.push(Source {
            path: format!("{repo}/{file}"),
            tx: tx.to_string(),
            claims,
        });
    }
    out
}

/// `bytes` without line breaks, and broken into lines of `width` bytes with CRLF.
pub fn flat_and_wrapped(bytes: &[u8], width: usize) -> (Vec<u8>, Vec<u8>) {
    let flat: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect();
    let mut wrapped = Vec::new();
    for line in flat.chunks(width) {
        wrapped.extend_from_slice(line);
        wrapped.extend_from_slice(b"\r\n");
    }
    (flat, wrapped)
}

/// A fresh directory for one test's files, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `denali-<name>-<pid>` in the system's temporary directory, empty.
    pub fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("denali-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp dir");
        TempDir(d)
    }

    /// The path of `name` in it, as text (for arguments).
    pub fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
