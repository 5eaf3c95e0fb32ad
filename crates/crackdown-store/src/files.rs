//! Files and folders the store creates are readable by their owner only:
//! the database holds victims' reports, and its folder lists them.
//!
//! SQLite creates the database, its WAL and its shared-memory file with
//! the process umask (0644 by default); the umask is no per-file setting,
//! so the files are created here first (0600) or narrowed right after
//! SQLite makes them.

use std::fs::File;
use std::path::Path;

use crate::StoreError;

/// Creates `dir` (and missing parents) as 0700; an existing folder is
/// narrowed to 0700 too when it is ours and wider.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let shown = dir.display();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|error| StoreError::Database(format!("cannot create directory {shown}: {error}")))?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
        .map_err(|error| StoreError::Database(format!("cannot create directory {shown}: {error}")))?;
    narrow(dir, 0o700);
    Ok(())
}

/// Creates `path` new, readable and writable by its owner only.
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Narrows an existing file or folder to `mode` when it is wider (never
/// widens; a missing path is left alone).
pub(crate) fn narrow(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = std::fs::metadata(path) {
            let current = metadata.permissions().mode() & 0o777;
            if current & !mode != 0
                && let Err(error) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(current & mode))
            {
                tracing::warn!(path = %path.display(), %error, "cannot narrow permissions");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Creates the database file 0600 when missing, and narrows it, its WAL
/// and its shared-memory file when they exist wider.
pub(crate) fn prepare_database_file(path: &Path) -> Result<(), StoreError> {
    match create_private_file(path) {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => {
            return Err(StoreError::Database(format!("cannot create database file {}: {error}", path.display())));
        }
    }
    narrow_database_files(path);
    Ok(())
}

/// Narrows the database file and its `-wal` and `-shm` companions to 0600.
pub(crate) fn narrow_database_files(path: &Path) {
    narrow(path, 0o600);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut companion = path.as_os_str().to_owned();
        companion.push(suffix);
        narrow(Path::new(&companion), 0o600);
    }
}
