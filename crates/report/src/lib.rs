//! # denali-report
//!
//! Batch denial reports from X12 835 files, as a library: a clearinghouse calls [`run`] with
//! its inputs and gets [`Row`]s (one per denial, optionally one per claim without denial) and a
//! [`Summary`] that reconciles claims in with claims accounted for. Renderers write the report
//! as CSV, JSON, NDJSON, Markdown, a terminal table, or a self-contained HTML page.
//!
//! Files are processed in parallel (rayon) and each is streamed one transaction set at a time.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod pipeline;
pub mod render;
mod row;

pub use pipeline::{Input, Report, ReportOptions, expand, run, stream};
pub use row::{COLUMNS, CategoryTotal, FileError, Row, Summary};
