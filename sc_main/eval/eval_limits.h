/* Ranges the evaluation tools accept: kvnand-sim's own for --context and --tokens
 * (docs/user-guide.md), so a bad matrix fails before any run, and sanity bounds of their own. */
#pragma once

static const long long kEvMaxContext = 4294967296LL;
static const long long kEvMaxTokens = 1048576LL;
static const long long kEvMaxDies = 1024; /* a study runs (dies x contexts) simulations */
static const long long kEvMaxJobs = 1024;
/* The runs of one point of a "choose" platform: every combination of its keys' values. */
static const long long kEvMaxChooseRuns = 1024;

/* A reference value and ours agree when |ours / reference - 1| is at most the tolerance
 * (kvnand-eval --reference): 0 would demand equal doubles, 1 would accept any ratio below 2. */
static const double kEvDefaultTolerance = 0.10;
/* The range of a tolerance as the error messages state it. */
#define EV_FRACTION_ACCEPTED "a number greater than 0 and less than 1"
