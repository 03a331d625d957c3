//! Opening inputs: files or standard input, always streamed.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// One input as named on the command line.
#[derive(Clone, Debug)]
pub struct InputName {
    /// The path, or `None` for standard input.
    pub path: Option<PathBuf>,
}

impl InputName {
    /// Expands the command line's file list (none means standard input).
    pub fn list(files: &[PathBuf]) -> Vec<InputName> {
        if files.is_empty() {
            return vec![InputName { path: None }];
        }
        files
            .iter()
            .map(|p| InputName {
                path: (p.as_os_str() != "-").then(|| p.clone()),
            })
            .collect()
    }

    /// The name to print.
    pub fn display(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "-".to_string(),
        }
    }

    /// Opens the input for streaming.
    pub fn open(&self) -> io::Result<Box<dyn Read>> {
        match &self.path {
            Some(p) => Ok(Box::new(open_file(p)?)),
            None => Ok(Box::new(io::stdin().lock())),
        }
    }
}

fn open_file(p: &Path) -> io::Result<File> {
    let f = File::open(p)?;
    if f.metadata()?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory",
        ));
    }
    Ok(f)
}
