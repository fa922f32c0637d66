//! Reports: saving a run as a versioned JSON file, re-opening it, rendering it as JSON,
//! CSV, Markdown or a self-contained HTML page, importing results and probe lists from
//! other tools, and comparing two runs.
//!
//! Everything here is pure: strings in, strings out. The app's export buttons and the
//! `candor report` command go through the same [`ExportFormat`], and the app's file picker
//! and `candor import` through the same [`InputFormat`], so a file exported or imported
//! by either is byte for byte the same. The file format is documented in `docs/REPORT_FORMAT.md`.

pub mod charts;
pub mod compare;
pub mod csv;
pub mod export;
pub mod figures;
pub mod html;
pub mod import;
pub mod markdown;
pub mod open;
mod read;
pub mod schema;
pub mod text;

pub use compare::{compare, Comparison};
pub use csv::to_csv;
pub use export::{ExportFormat, UnknownFormat};
pub use html::to_html;
pub use import::{
    decode_utf8, describe_source_label, detect_probe_list, detect_results, import_probes_promptfoo_csv,
    import_probes_speechmap_questions, import_probes_text, import_promptfoo, import_speechmap, ImportError,
    Imported, ProbeImportError, ProbeListFormat, SourceLabelMeaning,
};
pub use markdown::to_markdown;
pub use open::{import_notice, source_labels, InputFormat, OpenError, UnknownInputFormat};
pub use read::ReportError;
pub use schema::{to_json, Report, SCHEMA, SCHEMA_VERSION};
pub use text::content_hash;
