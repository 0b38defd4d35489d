/* One run of the Method of Equal Shares in doubles that knows when it cannot be trusted.

   The C twin of portal/voting/equal_shares_float.py: that module's docstring explains the
   price without sorting, the error bounds and the certificate, and the two must stay step
   for step the same (the tests hold both to the exact engine and to each other).
   prepare() copies one election into C arrays once; run() does one run at a given
   per-voter endowment and returns the funded projects in funding order with their trace
   and certificate, or None when a decision fell within the safety margin, so that the
   caller redoes that endowment in fractions. Plain CPython C API; the GIL stays held, as a
   run takes about a millisecond. */

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
    Py_ssize_t *winners, funded;             /* the projects funded so far, in order */
    double *trace;                           /* per round: alpha's upper bound, simple */
    Py_ssize_t *before_winners;              /* the run to certify against, if any */
    const double *before_trace;
    Py_ssize_t before_funded;
    int certified;
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
    (void)self;
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

/* Whether every rival is dearer now than best was in this round of the run before (at a
   lower endowment), or both are 1 / votes and best wins the tie: then every endowment in
   between funds best in this round too (see equal_shares.py). */
static int certify(Run *r, Py_ssize_t best, Py_ssize_t round)
{
    const Election *e = r->e;
    const double *alpha = r->alpha, *alpha_error = r->alpha_error;
    if (round >= r->before_funded || r->before_winners[round] != best)
        return 0;
    const double upper = r->before_trace[2 * round], bound = upper + TOLERANCE * upper;
    const int simple = r->before_trace[2 * round + 1] != 0.0;
    for (Py_ssize_t k = 0; k < e->projects; k++) {
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

/* Fund projects until none is affordable, recording them in r->winners and r->trace. */
static int simulate(Run *r)
{
    const Election *e = r->e;
    const double *alpha = r->alpha;
    for (Py_ssize_t round = 0;; round++) {
        Py_ssize_t best = -1;
        for (;;) { /* the cheapest by its last price, until that price is fresh */
            best = -1;
            for (Py_ssize_t p = 0; p < e->projects; p++) {
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
        r->winners[round] = best;
        r->trace[2 * round] = alpha[best] + r->alpha_error[best];
        r->trace[2 * round + 1] = r->simple[best] ? 1.0 : 0.0;
        r->funded = round + 1;
    }
    if (r->certified && r->funded != r->before_funded)
        r->certified = 0;
    return PRICED;
}

/* Read the winners and trace of the run before into r; 0 with an exception on error. */
static int read_before(Run *r, PyObject *winners, PyObject *trace, Py_buffer *view)
{
    const Election *e = r->e;
    PyObject *seq = PySequence_Fast(winners, "the winners before must be a sequence");
    if (seq == NULL)
        return 0;
    const Py_ssize_t funded = PySequence_Fast_GET_SIZE(seq);
    Py_ssize_t *before = PyMem_Calloc(funded + 1, sizeof *before);
    if (before == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return 0;
    }
    for (Py_ssize_t i = 0; i < funded; i++) {
        before[i] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, i));
        if (before[i] == -1 && PyErr_Occurred())
            break;
        if (before[i] < 0 || before[i] >= e->projects) {
            PyErr_SetString(PyExc_ValueError, "the winners before: no such project");
            break;
        }
    }
    Py_DECREF(seq);
    r->before_winners = before;
    r->before_funded = funded;
    if (PyErr_Occurred() || PyObject_GetBuffer(trace, view, PyBUF_SIMPLE) < 0)
        return 0;
    if (view->len != funded * 2 * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "the trace before does not match its winners");
        return 0;
    }
    r->before_trace = view->buf;
    return 1;
}

static void run_free(Run *r)
{
    PyMem_Free(r->purse);
    PyMem_Free(r->scratch);
    PyMem_Free(r->alpha);
    PyMem_Free(r->alpha_error);
    PyMem_Free(r->rho);
    PyMem_Free(r->rho_error);
    PyMem_Free(r->fresh);
    PyMem_Free(r->alive);
    PyMem_Free(r->simple);
    PyMem_Free(r->winners);
    PyMem_Free(r->trace);
    PyMem_Free(r->before_winners);
}

static PyObject *run(PyObject *self, PyObject *args)
{
    PyObject *capsule, *before_winners = Py_None, *before_trace = Py_None, *result = NULL;
    Py_buffer view = {0};
    double endowment;
    (void)self;
    if (!PyArg_ParseTuple(args, "Od|OO:run", &capsule, &endowment, &before_winners,
                          &before_trace))
        return NULL;
    const Election *e = PyCapsule_GetPointer(capsule, CAPSULE);
    if (e == NULL)
        return NULL;
    if (!(endowment >= 0 && endowment < INFINITY)) {
        PyErr_SetString(PyExc_ValueError, "the endowment must be finite and not negative");
        return NULL;
    }
    const Py_ssize_t n = e->projects + 1;
    Py_ssize_t widest = 0;
    for (Py_ssize_t p = 0; p < e->projects; p++)
        if (e->start[p + 1] - e->start[p] > widest)
            widest = e->start[p + 1] - e->start[p];
    Run r = {.e = e};
    r.purse = PyMem_Malloc((e->groups + 1) * sizeof *r.purse);
    r.scratch = PyMem_Malloc((widest + 1) * sizeof *r.scratch);
    r.alpha = PyMem_Malloc(n * sizeof *r.alpha);
    r.alpha_error = PyMem_Malloc(n * sizeof *r.alpha_error);
    r.rho = PyMem_Calloc(n, sizeof *r.rho);
    r.rho_error = PyMem_Calloc(n, sizeof *r.rho_error);
    r.fresh = PyMem_Malloc(n * sizeof *r.fresh);
    r.alive = PyMem_Malloc(n);
    r.simple = PyMem_Calloc(n, 1);
    r.winners = PyMem_Malloc(n * sizeof *r.winners);
    r.trace = PyMem_Malloc(2 * n * sizeof *r.trace);
    if (!r.purse || !r.scratch || !r.alpha || !r.alpha_error || !r.rho || !r.rho_error
        || !r.fresh || !r.alive || !r.simple || !r.winners || !r.trace) {
        PyErr_NoMemory();
        goto done;
    }
    if (before_winners != Py_None) {
        if (!read_before(&r, before_winners, before_trace, &view))
            goto done;
        r.certified = 1;
    }
    for (Py_ssize_t g = 0; g < e->groups; g++)
        r.purse[g] = (Purse){endowment, UNIT * endowment, e->size[g]};
    for (Py_ssize_t p = 0; p < e->projects; p++) {
        r.alive[p] = e->order[p] >= 0 && e->votes[p] > 0 && e->cost[p] > 0;
        r.alpha[p] = e->votes[p] > 0 ? 1.0 / e->votes[p] : 0.0;
        r.alpha_error[p] = UNIT * r.alpha[p];
        r.fresh[p] = -1;
    }
    if (simulate(&r) == NEAR_TIE) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    PyObject *winners = PyTuple_New(r.funded);
    for (Py_ssize_t i = 0; winners != NULL && i < r.funded; i++) {
        PyObject *index = PyLong_FromSsize_t(r.winners[i]);
        if (index == NULL)
            Py_CLEAR(winners);
        else
            PyTuple_SET_ITEM(winners, i, index);
    }
    PyObject *trace =
        PyBytes_FromStringAndSize((const char *)r.trace, 2 * r.funded * sizeof *r.trace);
    if (winners != NULL && trace != NULL)
        result = PyTuple_Pack(3, winners, trace, r.certified ? Py_True : Py_False);
    Py_XDECREF(winners);
    Py_XDECREF(trace);
done:
    if (view.obj != NULL)
        PyBuffer_Release(&view);
    run_free(&r);
    return result;
}

static PyMethodDef methods[] = {
    {"prepare", prepare, METH_VARARGS,
     "prepare(costs, order, starts, members, sizes) -> election: copy one election."},
    {"run", run, METH_VARARGS,
     "run(election, endowment, before_winners=None, before_trace=None)\n"
     "-> (winners, trace, certified), or None on a near-tie."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_equal_shares",
    .m_doc = "One float run of Equal Shares with near-tie detection (see equal_shares_float.py).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__equal_shares(void)
{
    return PyModule_Create(&module);
}
