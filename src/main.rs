//! Boots the Candor web app (built for wasm32 by Trunk).

#[cfg(target_arch = "wasm32")]
fn main() {
    candor::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("candor-web is the browser app: build and serve it with `scripts/serve.sh`.");
    std::process::exit(2);
}
