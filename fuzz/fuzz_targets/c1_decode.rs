//! ConductorOne answers as the C1 client decodes them: strictly
//! (`connkit_models::decode::from_json`) and with repairs
//! (`connkit_models::decode::from_json_lenient`), for every response model; the first
//! byte picks the model.
//!
//! Properties: never a panic; what the strict decoder accepts the lenient one accepts
//! as it is, without repairs; what only the lenient one accepts is a value that encodes
//! to a body the strict decoder reads back to the same value (a repair never produces
//! what the model itself would refuse).
#![no_main]

use std::fmt::Debug;

use connkit_models::c1::{
    ConnectorServiceGetCredentialsResponse, ConnectorServiceGetResponse,
    ConnectorServiceListResponse, ConnectorServiceRotateCredentialResponse, EditorValidateResponse,
    GetConnectorSyncDownloadURLResponse, RpcStatus,
};
use connkit_models::decode::{from_json, from_json_lenient};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;

fuzz_target!(|data: &[u8]| {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    match selector % 7 {
        0 => check::<ConnectorServiceListResponse>(body),
        1 => check::<ConnectorServiceGetResponse>(body),
        2 => check::<ConnectorServiceGetCredentialsResponse>(body),
        3 => check::<ConnectorServiceRotateCredentialResponse>(body),
        4 => check::<EditorValidateResponse>(body),
        5 => check::<GetConnectorSyncDownloadURLResponse>(body),
        _ => check::<RpcStatus>(body),
    }
});

fn check<T: DeserializeOwned + Serialize + PartialEq + Debug>(body: &[u8]) {
    let strict = from_json::<T>(body);
    let lenient = from_json_lenient::<T>(body);
    match (strict, lenient) {
        (Ok(strict), Ok(lenient)) => {
            assert_eq!(strict, lenient.value);
            assert!(lenient.repairs.is_empty(), "{:?}", lenient.repairs);
        }
        (Ok(strict), Err(e)) => panic!("strictly {strict:?}, yet the lenient decoder refuses: {e}"),
        (Err(_), Ok(repaired)) => {
            let encoded = serde_json::to_vec(&repaired.value).expect("a model encodes");
            let back: T = from_json(&encoded).unwrap_or_else(|e| {
                panic!(
                    "a repaired value that the model refuses: {e}: {}",
                    String::from_utf8_lossy(&encoded)
                )
            });
            assert_eq!(back, repaired.value);
        }
        (Err(_), Err(_)) => {}
    }
}
