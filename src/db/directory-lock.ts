import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { RecoupError } from "../errors.js";

export interface DirectoryLock {
  release(): void;
}

/**
 * Takes an exclusive lock on an embedded data directory by creating `LOCK` with O_EXCL.
 * A lock left behind by a process that no longer runs is taken over.
 */
export function acquireDirectoryLock(dir: string): DirectoryLock {
  const file = path.join(dir, "LOCK");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.on("exit", release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && (holder === process.pid || isAlive(holder))) {
        throw new RecoupError(
          "DATABASE_LOCKED",
          `The embedded database in ${dir} is in use by process ${holder}. Stop it first, or use a PostgreSQL server (--db postgres://…) for concurrent access.`,
        );
      }
      unlinkSync(file);
    }
  }
  throw new RecoupError("DATABASE_LOCKED", `Could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
