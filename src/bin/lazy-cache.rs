//! `lazy-cache`: looks after a disk cache of `#[lazy(cache)]` values.
//!
//! ```text
//! lazy-cache stats  [--dir DIR]   what the cache holds
//! lazy-cache gc     [--dir DIR]   evict to the budget, remove stray files
//! lazy-cache verify [--dir DIR]   check every entry, remove damaged ones
//! lazy-cache clear  [--dir DIR]   remove every entry
//! ```
//!
//! Without `--dir`, the default location: `$LAZY_CACHE_DIR`, else `$XDG_CACHE_HOME/lazy`,
//! else `~/.cache/lazy`. `$LAZY_CACHE_BUDGET` sets the budget `gc` evicts to.

use std::process::ExitCode;

use lazy::cache::{CacheError, DiskCache, Options};

const USAGE: &str = "usage: lazy-cache (stats | gc | verify | clear) [--dir DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lazy-cache: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let (command, dir) = match args {
        [command] => (command, None),
        [command, flag, dir] if flag == "--dir" => (command, Some(dir)),
        _ => return Err(USAGE.to_owned()),
    };
    if !["stats", "gc", "verify", "clear"].contains(&command.as_str()) {
        return Err(format!("unknown command `{command}`\n{USAGE}"));
    }
    let options = Options::from_env().map_err(|e| e.to_string())?;
    let dir = match dir {
        Some(dir) => dir.into(),
        None => lazy::cache::default_dir().map_err(|e| e.to_string())?,
    };
    let cache = DiskCache::open_with(&dir, options).map_err(|e| e.to_string())?;
    let report = |e: CacheError| e.to_string();
    println!("cache: {}", cache.dir().display());
    match command.as_str() {
        "stats" => {
            let stats = cache.stats().map_err(report)?;
            println!(
                "entries: {} ({} inline, {} in object files)",
                stats.entries, stats.inline_entries, stats.object_entries
            );
            println!("value bytes: {}", stats.value_bytes);
            println!(
                "budgeted bytes: {} of {}",
                stats.budgeted_bytes, stats.budget_bytes
            );
        }
        "gc" => {
            let gc = cache.gc().map_err(report)?;
            println!(
                "evicted: {} entries ({} bytes); stray files removed: {}",
                gc.evicted, gc.evicted_bytes, gc.stray_files
            );
        }
        "verify" => {
            let verify = cache.verify().map_err(report)?;
            println!(
                "checked: {}; ok: {}; damaged and removed: {}; stray files removed: {}",
                verify.checked,
                verify.ok,
                verify.removed.total(),
                verify.stray_files
            );
        }
        _ => {
            let removed = cache.clear().map_err(report)?;
            println!("removed: {removed} entries");
        }
    }
    Ok(())
}
