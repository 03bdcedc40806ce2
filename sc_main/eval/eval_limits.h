/* Ranges the evaluation tools accept: kvnand-sim's own for --context and --tokens
 * (docs/user-guide.md), so a bad matrix fails before any run, and sanity bounds of their own. */
#pragma once

static const long long kEvMaxContext = 4294967296LL;
static const long long kEvMaxTokens = 1048576LL;
static const long long kEvMaxDies = 1024; /* a study runs (dies x contexts) simulations */
static const long long kEvMaxJobs = 1024;
