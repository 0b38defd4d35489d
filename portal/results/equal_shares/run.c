/* One run of the Method of Equal Shares in doubles that knows when it cannot be trusted.

   The C twin of portal/results/equal_shares/float_engine.py: that module's docstring explains the
   price without sorting, the error bounds and the certificate, and the two must stay step
   for step the same, down to the order of every floating-point operation (the tests hold
   both to the exact engine and to each other). */

#include <math.h>

#include "run.h"

/* Running sums over the poor supporters of one project found so far. */
typedef struct {
    ptrdiff_t count;
    double paid, votes, carried, top; /* top: the highest budget + slack among them */
} Poor;

/* Put q with the poor when its budget is below rho, else append it to rich[*n] and lower
   *low to its budget - slack. Branch-free: poor or rich is a coin toss for the branch
   predictor, and adding 0.0 * x leaves every sum bit for bit as the Python twin's. */
static inline void classify(Purse q, double rho, Poor *poor, double *low, Purse *rich,
                            ptrdiff_t *n)
{
    const int is_poor = q.budget < rho;
    const double weight = is_poor ? q.size : 0.0;
    const double high = q.budget + q.slack, least = q.budget - q.slack;
    poor->count += is_poor;
    poor->paid += weight * q.budget;
    poor->votes += weight;
    poor->carried += weight * q.slack;
    poor->top = is_poor && high > poor->top ? high : poor->top;
    *low = !is_poor && least < *low ? least : *low;
    rich[*n] = q;
    *n += !is_poor;
}

/* Project p's price at the current budgets, by the fixed point described in the Python
   twin; on PRICED, *rho_out is the price and *error_out bounds its distance to the exact
   one. The first pass gathers the supporters' purses; those not poor yet are copied to
   r->scratch, so that any further pass reads a short contiguous array. */
static int price(const Run *r, ptrdiff_t p, double *rho_out, double *error_out,
                 char *simple_out)
{
    const Election *e = r->e;
    const double cost = e->cost[p], votes = e->votes[p];
    Purse *rich = r->scratch;
    double rho = cost / votes;
    double error = fma(-rho, votes, cost) == 0.0 ? 0.0 : 2 * UNIT * rho; /* exact division? */
    int from_set = 1; /* rho is the price that the poor set found so far implies */
    if (r->fresh[p] >= 0 && !r->simple[p]) {
        const double floor = (r->rho[p] - r->rho_error[p]) * (1 - 4 * UNIT);
        if (floor > rho) {
            rho = floor;
            from_set = 0;
        }
    }
    Poor poor = {0, 0.0, 0.0, 0.0, -INFINITY};
    double low = INFINITY;
    ptrdiff_t n = 0, before = 0;
    for (ptrdiff_t k = e->start[p]; k < e->start[p + 1]; k++)
        classify(r->purse[e->member[k]], rho, &poor, &low, rich, &n);
    while (!(from_set && poor.count == before)) {
        const double rounding = 2 * (poor.count + 2) * UNIT * poor.paid;
        if (n == 0) /* everybody gives all they have: is it enough? */
            return cost - poor.paid > TOLERANCE * cost + poor.carried + rounding
                       ? UNAFFORDABLE : NEAR_TIE;
        const double rest = votes - poor.votes;
        rho = (cost - poor.paid) / rest;
        error = (poor.carried + rounding + 2 * UNIT * cost) / rest + 4 * UNIT * rho;
        if (!(error < rho))
            return NEAR_TIE;
        from_set = 1;
        const ptrdiff_t length = n;
        before = poor.count;
        low = INFINITY;
        n = 0;
        for (ptrdiff_t k = 0; k < length; k++) /* in place: n never passes k */
            classify(rich[k], rho, &poor, &low, rich, &n);
    }
    const double margin = TOLERANCE * rho + error;
    if (!(rho - poor.top > margin))
        return NEAR_TIE;
    if (!(low - rho > margin)) {
        /* A budget exactly at an exact price is no tie: paying all is paying the price. */
        if (error != 0.0)
            return NEAR_TIE;
        for (ptrdiff_t k = 0; k < n; k++)
            if (!(rich[k].budget - rich[k].slack - rho > margin
                  || (rich[k].budget == rho && rich[k].slack == 0.0)))
                return NEAR_TIE;
    }
    *rho_out = rho;
    *error_out = error;
    *simple_out = poor.count == 0;
    return PRICED;
}

static int refresh(Run *r, ptrdiff_t p, ptrdiff_t round)
{
    const Election *e = r->e;
    int status = price(r, p, &r->rho[p], &r->rho_error[p], &r->simple[p]);
    if (status == UNAFFORDABLE)
        r->alive[p] = 0;
    if (status != PRICED)
        return status;
    if (r->simple[p]) {
        r->alpha[p] = 1.0 / e->votes[p];
        r->alpha_error[p] = UNIT * r->alpha[p];
    }
    else {
        r->alpha[p] = r->rho[p] / e->cost[p];
        r->alpha_error[p] = r->rho_error[p] / e->cost[p] + 2 * UNIT * r->alpha[p];
    }
    r->fresh[p] = round;
    return PRICED;
}

/* Every rival must be clearly dearer than best, or both be 1 / votes in the right order. */
static int check_rivals(Run *r, ptrdiff_t best, ptrdiff_t round)
{
    const Election *e = r->e;
    const double *alpha = r->alpha, *alpha_error = r->alpha_error;
    const double limit = alpha[best] + alpha_error[best] + TOLERANCE * alpha[best];
    for (ptrdiff_t k = 0; k < e->projects; k++) {
        if (!r->alive[k] || k == best || alpha[k] - alpha_error[k] > limit)
            continue;
        if (r->fresh[k] != round) {
            if (refresh(r, k, round) == NEAR_TIE)
                return NEAR_TIE;
            if (!r->alive[k] || alpha[k] - alpha_error[k] > limit)
                continue;
        }
        if (r->simple[best] && r->simple[k]
            && (e->votes[best] > e->votes[k]
                || (e->votes[best] == e->votes[k] && e->order[best] < e->order[k])))
            continue;
        return NEAR_TIE;
    }
    return PRICED;
}

/* Whether every rival is dearer now than best was in this round of the run before (at a
   lower endowment), or both are 1 / votes and best wins the tie: then every endowment in
   between funds best in this round too (see __init__.py). */
static int certify(Run *r, ptrdiff_t best, ptrdiff_t round)
{
    const Election *e = r->e;
    const double *alpha = r->alpha, *alpha_error = r->alpha_error;
    if (round >= r->before_funded || r->before_winners[round] != best)
        return 0;
    const double upper = r->before_trace[2 * round], bound = upper + TOLERANCE * upper;
    const int simple = r->before_trace[2 * round + 1] != 0.0;
    for (ptrdiff_t k = 0; k < e->projects; k++) {
        if (!r->alive[k] || k == best || alpha[k] - alpha_error[k] > bound)
            continue;
        if (r->fresh[k] != round) {
            if (refresh(r, k, round) == NEAR_TIE)
                return 0; /* k keeps its stale price; this run just certifies nothing */
            if (!r->alive[k] || alpha[k] - alpha_error[k] > bound)
                continue;
        }
        if (simple && r->simple[k]
            && (e->votes[best] > e->votes[k]
                || (e->votes[best] == e->votes[k] && e->order[best] < e->order[k])))
            continue;
        return 0;
    }
    return 1;
}

int equal_shares_simulate(Run *r)
{
    const Election *e = r->e;
    const double *alpha = r->alpha;
    for (ptrdiff_t round = 0;; round++) {
        ptrdiff_t best = -1;
        for (;;) { /* the cheapest by its last price, until that price is fresh */
            best = -1;
            for (ptrdiff_t p = 0; p < e->projects; p++) {
                if (r->alive[p]
                    && (best < 0 || alpha[p] < alpha[best]
                        || (alpha[p] == alpha[best] && e->order[p] < e->order[best])))
                    best = p;
            }
            if (best < 0 || r->fresh[best] == round)
                break;
            if (refresh(r, best, round) == NEAR_TIE)
                return NEAR_TIE;
        }
        if (best < 0)
            break;
        if (check_rivals(r, best, round) == NEAR_TIE)
            return NEAR_TIE;
        if (r->certified)
            r->certified = certify(r, best, round);
        const double rho = r->rho[best], error = r->rho_error[best];
        for (ptrdiff_t k = e->start[best]; k < e->start[best + 1]; k++) {
            Purse *purse = &r->purse[e->member[k]];
            if (purse->budget < rho) {
                purse->budget = purse->slack = 0.0;
            }
            else { /* budget >= rho, so (budget - left) - rho is exactly the rounding */
                const double left = purse->budget - rho;
                purse->slack += error + fabs((purse->budget - left) - rho);
                purse->budget = left;
            }
        }
        r->alive[best] = 0;
        r->winners[round] = best;
        r->trace[2 * round] = alpha[best] + r->alpha_error[best];
        r->trace[2 * round + 1] = r->simple[best] ? 1.0 : 0.0;
        r->funded = round + 1;
    }
    if (r->certified && r->funded != r->before_funded)
        r->certified = 0;
    return PRICED;
}
