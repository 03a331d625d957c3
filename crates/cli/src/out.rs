//! Output helpers: a locked, buffered standard output.

use std::io::{self, BufWriter, Write};

/// Buffered standard output; flush before returning.
pub fn stdout() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(64 << 10, io::stdout().lock())
}

/// Writes a value as compact JSON.
pub fn json<W: Write, T: serde::Serialize + ?Sized>(w: &mut W, v: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *w, v).map_err(io::Error::other)
}
