/* One run of the Method of Equal Shares in doubles that knows when it cannot be trusted:
   the data it reads and the state it keeps. Plain C, no Python: _c_engine.c fills
   these in and calls equal_shares_simulate(). */

#ifndef PORTAL_EQUAL_SHARES_RUN_H
#define PORTAL_EQUAL_SHARES_RUN_H

#include <stddef.h>

#define TOLERANCE 1e-9              /* the relative margin every float decision must clear */
#define UNIT 1.1102230246251565e-16 /* 2**-53, the unit roundoff of a double */

enum { PRICED, UNAFFORDABLE, NEAR_TIE };

typedef struct {
    ptrdiff_t projects, groups;
    double *cost, *votes, *size; /* money and voter counts, all integers below 2**53 */
    int *order;                  /* rank on equal price, lower wins; < 0: not a candidate */
    ptrdiff_t *start;            /* project p's groups are member[start[p]..start[p+1]) */
    int *member;
} Election;

typedef struct {
    double budget, slack, size; /* slack: bound on |budget - the exact budget| */
} Purse;

typedef struct {
    const Election *e;
    Purse *purse;                            /* per ballot group */
    Purse *scratch;                          /* room for one project's supporters */
    double *alpha, *alpha_error, *rho, *rho_error; /* per project, from its last pricing */
    ptrdiff_t *fresh;                        /* the round of that pricing, -1 never */
    char *alive, *simple;
    ptrdiff_t *winners, funded;              /* the projects funded so far, in order */
    double *trace;                           /* per round: alpha's upper bound, simple */
    ptrdiff_t *before_winners;               /* the run to certify against, if any */
    const double *before_trace;
    ptrdiff_t before_funded;
    int certified;
} Run;

/* Fund projects until none is affordable, recording them in r->winners and r->trace and
   checking the certificate against r->before_* when r->certified is set on entry. Returns
   PRICED, or NEAR_TIE when a decision fell within the margin. */
int equal_shares_simulate(Run *r);

#endif
