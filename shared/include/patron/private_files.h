// Files that hold members' data or secrets belong to the service's user
// alone: data directories 0700, database files 0600, secrets read from
// files rather than the command line (which every local user can read in
// /proc/<pid>/cmdline). The daemons also set umask 0077 at start, so what
// they create later (WAL files, snapshots) follows.
#ifndef PATRON_PRIVATE_FILES_H_
#define PATRON_PRIVATE_FILES_H_

#include <string>
#include <vector>

#include "patron/status.h"

namespace patron {

// The umask the daemons run under: nothing for group or others.
inline constexpr unsigned kPrivateUmask = 0077;

// Creates `dir` (and missing parents) with mode 0700. An existing directory
// that group or others may enter is tightened to 0700 when this process
// owns it; otherwise (someone else's, or a shared sticky directory such as
// /tmp, which must never be closed) it is left alone and a warning is added
// to `warnings`. IOError if it cannot be created.
Status MakePrivateDirectory(const std::string& dir, std::vector<std::string>& warnings);

// Takes group and other permissions off `path` if it exists and this
// process owns it (a database created under an older, laxer umask);
// otherwise adds a warning. Missing files are fine.
void MakePrivateFile(const std::string& path, std::vector<std::string>& warnings);

// Reads a secret (a token, the chain key) from a file: its content without
// trailing whitespace (a newline from `echo`). InvalidArgument if the file
// cannot be read or holds nothing; a warning if group or others may read it.
Result<std::string> ReadSecretFile(const std::string& path, std::vector<std::string>& warnings);

}  // namespace patron

#endif  // PATRON_PRIVATE_FILES_H_
