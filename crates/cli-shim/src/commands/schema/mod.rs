//! `connkit schema [TYPE]`: the JSON Schema of a model, from connkit-models' registry
//! ([`connkit_models::schema`]).

use connkit_models::schema::{self, ModelSchema};

pub mod args;

use crate::exit::Failure;
use crate::output::Sink;
use args::SchemaArgs;

/// Lists the models, or prints the schema of the one named (exactly as listed, or
/// ignoring case when that is unambiguous).
pub fn run(args: &SchemaArgs, sink: Sink<'_>) -> Result<(), Failure> {
    let out = sink.out;
    let Some(wanted) = &args.type_name else {
        for model in schema::all() {
            writeln!(out, "{}", model.name).map_err(Failure::write_failed)?;
        }
        return Ok(());
    };
    let model = find(wanted)?;
    serde_json::to_writer_pretty(&mut *out, &model.schema)
        .map_err(|e| Failure::write_failed(e.into()))?;
    writeln!(out).map_err(Failure::write_failed)
}

fn find(wanted: &str) -> Result<ModelSchema, Failure> {
    if let Some(model) = schema::find(wanted) {
        return Ok(model);
    }
    let mut matches: Vec<ModelSchema> = schema::all()
        .into_iter()
        .filter(|m| m.name.eq_ignore_ascii_case(wanted))
        .collect();
    match matches.len() {
        1 => Ok(matches.remove(0)),
        0 => Err(Failure::usage(format!(
            "no model named `{wanted}`; `connkit schema` lists them"
        ))),
        _ => Err(Failure::usage(format!(
            "`{wanted}` is ambiguous: {}",
            matches
                .iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;

    #[test]
    fn names_are_found_exactly_or_ignoring_case() {
        assert_eq!(find("V3ConnectorDto").unwrap().name, "V3ConnectorDto");
        assert_eq!(find("updatedetail").unwrap().name, "UpdateDetail");
        assert_eq!(
            find("c1.connectorstatus").unwrap().name,
            "c1.ConnectorStatus"
        );
        assert_eq!(find("ConnectorStatus").unwrap().name, "ConnectorStatus");
        assert!(matches!(find("Nope"), Err(f) if f.exit() == Exit::Usage));
    }
}
