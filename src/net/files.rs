//! Files in and out: downloading an export, reading a file the user picked.

use wasm_bindgen::JsCast;

use crate::core::report::decode_utf8;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Offers `content` as a download named `name`.
pub fn download(name: &str, mime: &str, content: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|_| "the browser refused to build the file")?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| "the browser refused to offer the file")?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: HtmlAnchorElement =
        document.create_element("a").map_err(|_| "no anchor")?.dyn_into().map_err(|_| "no anchor")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The click has started the download; the URL is no longer needed.
    let _ = Url::revoke_object_url(&url);
    Ok(())
}

/// The text of a file the user picked. The bytes are decoded here rather than by the
/// browser's `File.text()`, which would replace bytes that are not UTF-8 without a word:
/// such a file is refused with the offset and line of the first bad byte.
pub async fn read_text(file: &web_sys::File) -> Result<String, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("{} could not be read", file.name()))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    decode_utf8(&bytes, &file.name()).map_err(|e| e.to_string())
}
