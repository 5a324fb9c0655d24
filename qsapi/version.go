package qsapi

// Version is the qsgo version reported in the User-Agent (qsgo/<Version>).
const Version = "0.1.0"
