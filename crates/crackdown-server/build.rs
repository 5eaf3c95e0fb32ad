//! Builds the web UI (`web/`, TypeScript + Vite) when its output is missing
//! or older than its sources, and embeds the output in the binary, so a
//! plain `cargo build --release` from a clean clone serves the whole UI.
//!
//! Without npm the binary still builds and serves the API, with a clearly
//! marked page in place of the UI saying how to get it: the API and CLI are
//! useful on their own (servers, cross builds), and the browser tests catch
//! a UI that is missing. A web build that fails is an error, never silently
//! skipped.

use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;
use std::{env, fs};

/// Sources whose change makes the web build stale.
const INPUTS: &[&str] =
    &["src", "index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json", "public"];

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let web = manifest.join("../../web");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // A missing path would make cargo rerun this script on every build.
    for input in INPUTS.iter().map(|input| web.join(input)).filter(|path| path.exists()) {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    println!("cargo:rerun-if-env-changed=CRACKDOWN_WEB_REBUILD");

    let dist = web.join("dist");
    let embedded = out.join("web");
    let _ = fs::remove_dir_all(&embedded);
    let built = if !web.join("package.json").exists() {
        println!("cargo:warning=web/ is missing; embedding a placeholder page instead of the UI");
        false
    } else if stale(&web, &dist) {
        if npm_available() {
            build_web(&web);
            true
        } else {
            println!(
                "cargo:warning=npm not found: embedding a placeholder page instead of the web UI. \
                 Install Node.js and npm, then rebuild, to get the UI."
            );
            // Try again once npm may have appeared.
            println!("cargo:rerun-if-env-changed=PATH");
            false
        }
    } else {
        true
    };
    let mut files = Vec::new();
    if built {
        copy_tree(&dist, &embedded, &mut files);
    } else {
        fs::create_dir_all(&embedded).expect("create the embedded web directory");
        fs::write(embedded.join("index.html"), PLACEHOLDER).expect("write the placeholder page");
        files.push("index.html".to_owned());
    }
    files.sort();
    write_table(&embedded, &files, built, &out.join("web_assets.rs"));
}

const PLACEHOLDER: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>crackdown: UI not built</title>\
<h1>The crackdown web UI was not built into this binary</h1>\
<p>npm was not available when this binary was compiled. The API works at <a href=\"/api/v1/health\">/api/v1/</a>. \
Install Node.js and npm and run <code>cargo build --release</code> again to get the UI.</p></html>\n";

fn npm_available() -> bool {
    Command::new("npm").arg("--version").output().is_ok_and(|output| output.status.success())
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|meta| meta.modified()).ok()
}

/// The newest modification time of a file or of anything under a directory.
fn newest(path: &Path) -> Option<SystemTime> {
    let own = modified(path);
    let Ok(entries) = fs::read_dir(path) else { return own };
    entries.flatten().filter_map(|entry| newest(&entry.path())).chain(own).max()
}

fn stale(web: &Path, dist: &Path) -> bool {
    if env::var_os("CRACKDOWN_WEB_REBUILD").is_some() {
        return true;
    }
    let Some(built) = modified(&dist.join("index.html")) else { return true };
    INPUTS.iter().filter_map(|input| newest(&web.join(input))).any(|changed| changed > built)
}

fn run(web: &Path, args: &[&str]) {
    let status = Command::new("npm")
        .args(args)
        .current_dir(web)
        .status()
        .unwrap_or_else(|error| panic!("cannot run npm {}: {error}", args.join(" ")));
    assert!(status.success(), "`npm {}` in {} failed ({status}); see its output above", args.join(" "), web.display());
}

fn build_web(web: &Path) {
    let installed = modified(&web.join("node_modules/.package-lock.json"));
    let lock = modified(&web.join("package-lock.json"));
    if installed.is_none() || lock > installed {
        run(web, &["ci", "--no-audit", "--no-fund"]);
    }
    run(web, &["run", "build"]);
}

/// Copies the built files into OUT_DIR, so the binary embeds exactly what
/// this build saw even if `web/dist` changes or disappears later.
fn copy_tree(from: &Path, to: &Path, files: &mut Vec<String>) {
    fn walk(root: &Path, dir: &Path, to: &Path, files: &mut Vec<String>) {
        let entries = fs::read_dir(dir).unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, to, files);
            } else if let Ok(relative) = path.strip_prefix(root) {
                let target = to.join(relative);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent).expect("create an embedded web directory");
                }
                fs::copy(&path, &target).unwrap_or_else(|error| panic!("cannot copy {}: {error}", path.display()));
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    walk(from, from, to, files);
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Writes `ASSETS`, a table of every embedded file with its content type
/// and an ETag, for `ui.rs` to include.
fn write_table(root: &Path, files: &[String], built: bool, target: &Path) {
    let mut code = String::new();
    let _ = writeln!(code, "/// Whether the real UI is embedded (false: the placeholder page).");
    let _ = writeln!(code, "pub const BUILT: bool = {built};");
    let _ = writeln!(code, "pub static ASSETS: &[Asset] = &[");
    for file in files {
        let path = root.join(file);
        let bytes = fs::read(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        let _ = writeln!(
            code,
            "    Asset {{ path: {:?}, content_type: {:?}, etag: \"\\\"{:016x}\\\"\", body: include_bytes!({:?}) }},",
            format!("/{file}"),
            content_type(file),
            hasher.finish(),
            path.display().to_string(),
        );
    }
    let _ = writeln!(code, "];");
    fs::write(target, code).unwrap_or_else(|error| panic!("cannot write {}: {error}", target.display()));
}
