/* One run of the Method of Equal Shares in doubles that knows when it cannot be trusted.

   The C twin of portal/voting/equal_shares_float.py: that module's docstring explains the
   price without sorting and the error bounds, and the two must stay step for step the
   same (the tests run both against the exact engine). prepare() copies one election into
   C arrays once; run() does one run at a given per-voter endowment and returns the funded
   projects in funding order, or None when a decision fell within the safety margin, so
   that the caller redoes that endowment in fractions. Plain CPython C API, no GIL release:
   a run takes a millisecond or so. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

#define TOLERANCE 1e-9
#define UNIT 1.1102230246251565e-16   /* 2**-53, the unit roundoff of a double */
#define EXACT_LIMIT 9007199254740992LL /* 2**53: integers up to here are exact doubles */

enum { PRICED, UNAFFORDABLE, NEAR_TIE };

static const char CAPSULE[] = "portal.voting._equal_shares.Election";

typedef struct {
    Py_ssize_t projects, groups;
    double *cost, *votes, *size; /* money and voter counts, all integers below 2**53 */
    int *order;                  /* rank on equal price, lower wins; < 0: not a candidate */
    Py_ssize_t *start;           /* project p's groups are member[start[p]..start[p+1]) */
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
    Py_ssize_t *fresh;                       /* the round of that pricing, -1 never */
    char *alive, *simple;
} Run;

static void election_free(Election *e)
{
    PyMem_Free(e->cost);
    PyMem_Free(e->votes);
    PyMem_Free(e->size);
    PyMem_Free(e->order);
    PyMem_Free(e->start);
    PyMem_Free(e->member);
    PyMem_Free(e);
}

static void capsule_free(PyObject *capsule)
{
    Election *e = PyCapsule_GetPointer(capsule, CAPSULE);
    if (e != NULL)
        election_free(e);
}

/* Read a sequence of integers within [low, high] into a new array; -1 on error. */
static Py_ssize_t read_integers(PyObject *obj, const char *what, long long low,
                                long long high, long long **out)
{
    PyObject *seq = PySequence_Fast(obj, what);
    if (seq == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    long long *values = PyMem_Calloc(n > 0 ? n : 1, sizeof *values);
    if (values == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long long v = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1 && PyErr_Occurred())
            goto fail;
        if (v < low || v > high) {
            PyErr_Format(PyExc_ValueError, "%s: %lld is out of range", what, v);
            goto fail;
        }
        values[i] = v;
    }
    Py_DECREF(seq);
    *out = values;
    return n;
fail:
    Py_DECREF(seq);
    PyMem_Free(values);
    return -1;
}

static PyObject *prepare(PyObject *self, PyObject *args)
{
    PyObject *costs_in, *order_in, *starts_in, *members_in, *sizes_in;
    long long *costs = NULL, *order = NULL, *starts = NULL, *members = NULL, *sizes = NULL;
    Election *e = NULL;
    if (!PyArg_ParseTuple(args, "OOOOO:prepare", &costs_in, &order_in, &starts_in,
                          &members_in, &sizes_in))
        return NULL;
    Py_ssize_t projects = read_integers(costs_in, "costs", 0, EXACT_LIMIT, &costs);
    Py_ssize_t groups = read_integers(sizes_in, "sizes", 1, EXACT_LIMIT, &sizes);
    Py_ssize_t ranks = read_integers(order_in, "order", -1, INT_MAX, &order);
    Py_ssize_t bounds = read_integers(starts_in, "starts", 0, PY_SSIZE_T_MAX, &starts);
    Py_ssize_t links = read_integers(members_in, "members", 0, INT_MAX, &members);
    if (projects < 0 || groups < 0 || ranks < 0 || bounds < 0 || links < 0)
        goto fail;
    if (ranks != projects || bounds != projects + 1 || starts[0] != 0
        || starts[projects] != links) {
        PyErr_SetString(PyExc_ValueError, "inconsistent election arrays");
        goto fail;
    }
    e = PyMem_Calloc(1, sizeof *e);
    if (e == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    e->projects = projects;
    e->groups = groups;
    e->cost = PyMem_Calloc(projects + 1, sizeof *e->cost);
    e->votes = PyMem_Calloc(projects + 1, sizeof *e->votes);
    e->order = PyMem_Calloc(projects + 1, sizeof *e->order);
    e->start = PyMem_Calloc(projects + 1, sizeof *e->start);
    e->size = PyMem_Calloc(groups + 1, sizeof *e->size);
    e->member = PyMem_Calloc(links + 1, sizeof *e->member);
    if (!e->cost || !e->votes || !e->order || !e->start || !e->size || !e->member) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t g = 0; g < groups; g++)
        e->size[g] = (double)sizes[g];
    for (Py_ssize_t p = 0; p <= projects; p++) {
        if (p > 0 && starts[p] < starts[p - 1]) {
            PyErr_SetString(PyExc_ValueError, "starts must not decrease");
            goto fail;
        }
        e->start[p] = (Py_ssize_t)starts[p];
    }
    for (Py_ssize_t p = 0; p < projects; p++) {
        long long votes = 0;
        for (Py_ssize_t k = e->start[p]; k < e->start[p + 1]; k++) {
            if (members[k] >= groups) {
                PyErr_SetString(PyExc_ValueError, "members: no such ballot group");
                goto fail;
            }
            e->member[k] = (int)members[k];
            votes += sizes[members[k]];
            if (votes > EXACT_LIMIT) {
                PyErr_SetString(PyExc_ValueError, "too many voters for exact doubles");
                goto fail;
            }
        }
        e->cost[p] = (double)costs[p];
        e->votes[p] = (double)votes;
        e->order[p] = (int)order[p];
    }
    PyMem_Free(costs);
    PyMem_Free(order);
    PyMem_Free(starts);
    PyMem_Free(members);
    PyMem_Free(sizes);
    PyObject *capsule = PyCapsule_New(e, CAPSULE, capsule_free);
    if (capsule == NULL)
        election_free(e);
    return capsule;
fail:
    PyMem_Free(costs);
    PyMem_Free(order);
    PyMem_Free(starts);
    PyMem_Free(members);
    PyMem_Free(sizes);
    if (e != NULL)
        election_free(e);
    return NULL;
}

/* Running sums over the poor supporters of one project found so far. */
typedef struct {
    Py_ssize_t count;
    double paid, votes, carried, top; /* top: the highest budget + slack among them */
} Poor;

/* Put q with the poor when its budget is below rho, else append it to rich[*n] and lower
   *low to its budget - slack. Branch-free: poor or rich is a coin toss for the branch
   predictor, and adding 0.0 * x leaves every sum bit for bit as the Python twin's. */
static inline void classify(Purse q, double rho, Poor *poor, double *low, Purse *rich,
                            Py_ssize_t *n)
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
static int price(const Run *r, Py_ssize_t p, double *rho_out, double *error_out,
                 char *simple_out)
{
    const Election *e = r->e;
    const double cost = e->cost[p], votes = e->votes[p];
    Purse *rich = r->scratch;
    double rho = cost / votes;
    double error = 2 * UNIT * rho;
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
    Py_ssize_t n = 0, before = 0;
    for (Py_ssize_t k = e->start[p]; k < e->start[p + 1]; k++)
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
        const Py_ssize_t length = n;
        before = poor.count;
        low = INFINITY;
        n = 0;
        for (Py_ssize_t k = 0; k < length; k++) /* in place: n never passes k */
            classify(rich[k], rho, &poor, &low, rich, &n);
    }
    const double margin = TOLERANCE * rho + error;
    if (!(low - rho > margin && rho - poor.top > margin))
        return NEAR_TIE;
    *rho_out = rho;
    *error_out = error;
    *simple_out = poor.count == 0;
    return PRICED;
}

static int refresh(Run *r, Py_ssize_t p, Py_ssize_t round)
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
static int check_rivals(Run *r, Py_ssize_t best, Py_ssize_t round)
{
    const Election *e = r->e;
    const double *alpha = r->alpha, *alpha_error = r->alpha_error;
    const double limit = alpha[best] + alpha_error[best] + TOLERANCE * alpha[best];
    for (Py_ssize_t k = 0; k < e->projects; k++) {
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

/* Fund projects until none is affordable; their indices go to winners, their number to
   *funded. */
static int simulate(Run *r, Py_ssize_t *winners, Py_ssize_t *funded)
{
    const Election *e = r->e;
    const double *alpha = r->alpha;
    Py_ssize_t round = 0;
    for (;;) {
        Py_ssize_t best = -1;
        for (Py_ssize_t p = 0; p < e->projects; p++) {
            if (r->alive[p]
                && (best < 0 || alpha[p] < alpha[best]
                    || (alpha[p] == alpha[best] && e->order[p] < e->order[best])))
                best = p;
        }
        if (best < 0)
            break;
        if (r->fresh[best] != round) {
            if (refresh(r, best, round) == NEAR_TIE)
                return NEAR_TIE;
            continue;
        }
        if (check_rivals(r, best, round) == NEAR_TIE)
            return NEAR_TIE;
        const double rho = r->rho[best], error = r->rho_error[best];
        for (Py_ssize_t k = e->start[best]; k < e->start[best + 1]; k++) {
            Purse *purse = &r->purse[e->member[k]];
            if (purse->budget < rho) {
                purse->budget = purse->slack = 0.0;
            }
            else {
                purse->budget = purse->budget - rho;
                purse->slack += error + UNIT * purse->budget;
            }
        }
        r->alive[best] = 0;
        winners[round++] = best;
    }
    *funded = round;
    return PRICED;
}

static PyObject *run(PyObject *self, PyObject *args)
{
    PyObject *capsule, *result = NULL;
    double endowment;
    if (!PyArg_ParseTuple(args, "Od:run", &capsule, &endowment))
        return NULL;
    const Election *e = PyCapsule_GetPointer(capsule, CAPSULE);
    if (e == NULL)
        return NULL;
    if (!(endowment >= 0 && endowment < INFINITY)) {
        PyErr_SetString(PyExc_ValueError, "the endowment must be finite and not negative");
        return NULL;
    }
    const Py_ssize_t n = e->projects + 1;
    Run r = {.e = e};
    Py_ssize_t widest = 0;
    for (Py_ssize_t p = 0; p < e->projects; p++)
        if (e->start[p + 1] - e->start[p] > widest)
            widest = e->start[p + 1] - e->start[p];
    r.purse = PyMem_Malloc((e->groups + 1) * sizeof *r.purse);
    r.scratch = PyMem_Malloc((widest + 1) * sizeof *r.scratch);
    r.alpha = PyMem_Malloc(n * sizeof *r.alpha);
    r.alpha_error = PyMem_Malloc(n * sizeof *r.alpha_error);
    r.rho = PyMem_Calloc(n, sizeof *r.rho);
    r.rho_error = PyMem_Calloc(n, sizeof *r.rho_error);
    r.fresh = PyMem_Malloc(n * sizeof *r.fresh);
    r.alive = PyMem_Malloc(n);
    r.simple = PyMem_Calloc(n, 1);
    Py_ssize_t *winners = PyMem_Malloc(n * sizeof *winners);
    if (!r.purse || !r.scratch || !r.alpha || !r.alpha_error || !r.rho || !r.rho_error || !r.fresh
        || !r.alive || !r.simple || !winners) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t g = 0; g < e->groups; g++)
        r.purse[g] = (Purse){endowment, UNIT * endowment, e->size[g]};
    for (Py_ssize_t p = 0; p < e->projects; p++) {
        r.alive[p] = e->order[p] >= 0 && e->votes[p] > 0 && e->cost[p] > 0;
        r.alpha[p] = e->votes[p] > 0 ? 1.0 / e->votes[p] : 0.0;
        r.alpha_error[p] = UNIT * r.alpha[p];
        r.fresh[p] = -1;
    }
    Py_ssize_t funded = 0;
    if (simulate(&r, winners, &funded) == NEAR_TIE) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    result = PyTuple_New(funded);
    for (Py_ssize_t i = 0; result != NULL && i < funded; i++) {
        PyObject *index = PyLong_FromSsize_t(winners[i]);
        if (index == NULL)
            Py_CLEAR(result);
        else
            PyTuple_SET_ITEM(result, i, index);
    }
done:
    PyMem_Free(r.purse);
    PyMem_Free(r.scratch);
    PyMem_Free(r.alpha);
    PyMem_Free(r.alpha_error);
    PyMem_Free(r.rho);
    PyMem_Free(r.rho_error);
    PyMem_Free(r.fresh);
    PyMem_Free(r.alive);
    PyMem_Free(r.simple);
    PyMem_Free(winners);
    return result;
}

static PyMethodDef methods[] = {
    {"prepare", prepare, METH_VARARGS,
     "prepare(costs, order, starts, members, sizes) -> election: copy one election."},
    {"run", run, METH_VARARGS,
     "run(election, endowment) -> tuple of funded projects in order, or None on a near-tie."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_equal_shares",
    "One float run of Equal Shares with near-tie detection (see equal_shares_float.py).",
    -1, methods,
};

PyMODINIT_FUNC PyInit__equal_shares(void)
{
    return PyModule_Create(&module);
}
