package qsapi

// Version is the version of the qsgo module (without the leading "v"):
// reported in the User-Agent (qsgo/<Version>) and by qs --version when the
// binary's build information names no module version. No git tag marks it
// yet; the README says how to depend on the module meanwhile.
const Version = "0.1.0"
