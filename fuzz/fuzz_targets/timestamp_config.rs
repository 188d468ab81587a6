//! Timestamp parsing (`connkit_models::Timestamp`) and `config.json` parsing
//! (`connkit_transport::ConfigSources`), chosen by the first byte (modulo 3).
//!
//! Timestamp properties: an accepted text is kept verbatim (`as_str`, `Display`, JSON),
//! its date and time fields are the digits written, its fraction is the digits written
//! padded to nanoseconds, and its offset is the one written; a JSON string decodes
//! exactly when the text parses.
//!
//! `config.json` properties: the file is read from disk as the CLI reads it; resolving
//! never panics and client id and secret come as a pair. In the third mode the input,
//! if it is a JSON object, gets a known `ClientSecret`, which must appear in no error
//! message and no `Debug` output.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use connkit_models::Timestamp;
use connkit_transport::ConfigSources;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 3 {
        0 => timestamp(rest),
        1 => config_file(rest, false),
        _ => config_file(rest, true),
    }
});

fn timestamp(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let json = serde_json::to_string(text).expect("a string serializes");
    let decoded = serde_json::from_str::<Timestamp>(&json);
    let Ok(ts) = Timestamp::parse(text) else {
        assert!(decoded.is_err(), "JSON accepted {text:?}, parse refused it");
        return;
    };
    assert_eq!(decoded.ok().as_ref(), Some(&ts));
    assert_eq!(ts.as_str(), text);
    assert_eq!(ts.to_string(), text);
    assert_eq!(serde_json::to_string(&ts).ok(), Some(json));

    let fields = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        ts.year(),
        ts.month(),
        ts.day(),
        ts.hour(),
        ts.minute(),
        ts.second()
    );
    assert_eq!(fields, text[..19].replace('t', "T"), "fields of {text:?}");

    let rest = &text[19..];
    let (fraction, offset) = match rest.strip_prefix('.') {
        Some(after) => after.split_at(after.bytes().take_while(u8::is_ascii_digit).count()),
        None => ("", rest),
    };
    assert!(
        fraction.len() <= 9,
        "{text:?}: more than 9 fractional digits"
    );
    let padded = format!("{fraction:0<9}");
    assert_eq!(Ok(ts.nanosecond()), padded.parse(), "fraction of {text:?}");
    let minutes = match offset {
        "Z" | "z" => 0,
        _ => {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let hours: i16 = offset[1..3].parse().expect("offset hours");
            let mins: i16 = offset[4..6].parse().expect("offset minutes");
            sign * (hours * 60 + mins)
        }
    };
    assert_eq!(ts.offset_minutes(), minutes, "offset of {text:?}");
    let _ = ts.unix_nanos();
}

/// One file per fuzzing process, rewritten for each input; in memory where Linux offers
/// it (rewriting a file on ext4 flushes it to disk, a hundred times slower).
static CONFIG_FILE: LazyLock<PathBuf> = LazyLock::new(|| {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_owned()
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("connkit-fuzz-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir.join("config.json")
});

/// A client secret that occurs in no message by chance.
const CANARY: &str = "canary-7f3e9b2d41c6-secret";

/// Resolves `data` as the config file; with `plant_secret`, a JSON object gets
/// [`CANARY`] as its `ClientSecret` first, and the canary must not be shown.
fn config_file(data: &[u8], plant_secret: bool) {
    let planted = plant_secret.then(|| serde_json::from_slice::<serde_json::Value>(data));
    let data = match planted {
        Some(Ok(serde_json::Value::Object(mut object))) => {
            object.insert("ClientSecret".to_owned(), CANARY.into());
            serde_json::to_vec(&object).expect("a JSON object serializes")
        }
        Some(_) => return,
        None => data.to_vec(),
    };
    let path = CONFIG_FILE.as_path();
    std::fs::write(path, &data).expect("the config file is written");
    let resolved = ConfigSources::new(connkit_connectors::SETTINGS)
        .env(|_| None)
        .config_file(path)
        .resolve();
    let shown = match &resolved {
        Ok(config) => {
            assert_eq!(
                config.client_id.is_some(),
                config.client_secret.is_some(),
                "client id and secret come as a pair"
            );
            format!("{config:?}")
        }
        Err(error) => format!("{error} {error:?}"),
    };
    assert!(!shown.contains(CANARY), "the client secret leaked: {shown}");
}
