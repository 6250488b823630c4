//! Output files written atomically: each is written under a temporary name beside its target
//! and renamed into place only when the command has succeeded, so a failed or crashed run never
//! leaves a half-written list and keeps the previous outputs. Dropped without a commit, the
//! temporary files are deleted.
//!
//! No fsync: the rename is what protects against a crashed process, and syncing every file
//! tripled the wall time of a large merge on a busy disk.
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

/// One output file being written.
pub struct AtomicFile {
    writer: BufWriter<NamedTempFile>,
    path: PathBuf,
}

impl AtomicFile {
    /// Start writing `path` (its folder is created if absent).
    pub fn create(path: &Path) -> Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".mailhygiene-").suffix(".tmp");
        // The permissions of the file replaced, if any (a list kept private stays private);
        // otherwise those an ordinary new file gets (0666 less the umask), not tempfile's
        // private 0600: the outputs are meant to be shared.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        let tmp = builder
            .tempfile_in(dir)
            .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
        Ok(AtomicFile {
            writer: BufWriter::with_capacity(1 << 20, tmp),
            path: path.to_owned(),
        })
    }

    /// Flush and rename into place.
    pub fn commit(self) -> Result<()> {
        commit_all(vec![self])
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Flush every file, then rename each into place: a write error leaves every target untouched.
pub fn commit_all(files: Vec<AtomicFile>) -> Result<()> {
    let mut flushed = Vec::with_capacity(files.len());
    for f in files {
        let tmp = f
            .writer
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing {}", f.path.display()))?;
        flushed.push((tmp, f.path));
    }
    for (tmp, path) in flushed {
        tmp.persist(&path)
            .with_context(|| format!("renaming into {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_reaches_the_target_before_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub/out.csv");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"a,b\n").unwrap();
        assert!(!target.exists());
        f.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"a,b\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
            assert_ne!(
                mode, 0o600,
                "outputs get ordinary permissions, not tempfile's"
            );
        }
        let leftovers: Vec<_> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("private.csv");
        std::fs::write(&target, b"old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }

    #[test]
    fn dropped_without_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, b"previous").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&target).unwrap(), b"previous");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
