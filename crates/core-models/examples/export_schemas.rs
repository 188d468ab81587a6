//! Writes the JSON Schema of every public model into a directory, one pretty JSON
//! file per model named `<name>.json` (names as in `connkit_models::schema::all`).
//!
//! ```text
//! cargo run -p connkit-models --example export_schemas --features schema -- <dir>
//! ```
//!
//! Output is stable: the same models give the same bytes, so the files can be
//! committed and diffed. The directory is created if missing; other files in it
//! are left alone.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: export_schemas <output-dir>");
        return ExitCode::from(2);
    };
    match export(PathBuf::from(dir)) {
        Ok(count) => {
            eprintln!("wrote {count} schemas");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("export_schemas: {err}");
            ExitCode::FAILURE
        }
    }
}

fn export(dir: PathBuf) -> Result<usize, String> {
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let models = connkit_models::schema::all();
    for model in &models {
        let mut text = serde_json::to_string_pretty(&model.schema)
            .map_err(|e| format!("cannot serialize {}: {e}", model.name))?;
        text.push('\n');
        let path = dir.join(format!("{}.json", model.name));
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(models.len())
}
