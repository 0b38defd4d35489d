/* The CPython module around run.c: one float run of Equal Shares.

   prepare() copies one election into C arrays once; run() does one run at a given
   per-voter endowment and returns the funded projects in funding order with their trace
   and certificate, or None when a decision fell within the safety margin, so that the
   caller (portal/results/equal_shares/__init__.py) redoes that endowment in fractions. Plain
   CPython C API; the GIL stays held, as a run takes about a millisecond. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

#include "run.h"

#define EXACT_LIMIT 9007199254740992LL /* 2**53: integers up to here are exact doubles */

static const char CAPSULE[] = "portal.results.equal_shares._c_engine.Election";

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
        e->start[p] = (ptrdiff_t)starts[p];
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

/* Read the winners and trace of the run before into r; 0 with an exception on error. */
static int read_before(Run *r, PyObject *winners, PyObject *trace, Py_buffer *view)
{
    const Election *e = r->e;
    PyObject *seq = PySequence_Fast(winners, "the winners before must be a sequence");
    if (seq == NULL)
        return 0;
    const Py_ssize_t funded = PySequence_Fast_GET_SIZE(seq);
    ptrdiff_t *before = PyMem_Calloc(funded + 1, sizeof *before);
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
    PyObject *capsule, *given, *before_winners = Py_None, *before_trace = Py_None;
    PyObject *result = NULL;
    Py_buffer view = {0};
    (void)self;
    if (!PyArg_ParseTuple(args, "OO|OO:run", &capsule, &given, &before_winners,
                          &before_trace))
        return NULL;
    const Election *e = PyCapsule_GetPointer(capsule, CAPSULE);
    if (e == NULL)
        return NULL;
    /* An int endowment is exact (below 2**53); a float one may be a rounded fraction. */
    const int whole = PyLong_Check(given);
    const double endowment = whole ? PyLong_AsDouble(given) : PyFloat_AsDouble(given);
    if (endowment == -1.0 && PyErr_Occurred())
        return NULL;
    if (!(endowment >= 0 && endowment <= (double)EXACT_LIMIT)) {
        PyErr_SetString(PyExc_ValueError, "the endowment must be in [0, 2**53]");
        return NULL;
    }
    const double slack = whole ? 0.0 : UNIT * endowment;
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
        r.purse[g] = (Purse){endowment, slack, e->size[g]};
    for (Py_ssize_t p = 0; p < e->projects; p++) {
        r.alive[p] = e->order[p] >= 0 && e->votes[p] > 0 && e->cost[p] > 0;
        r.alpha[p] = e->votes[p] > 0 ? 1.0 / e->votes[p] : 0.0;
        r.alpha_error[p] = UNIT * r.alpha[p];
        r.fresh[p] = -1;
    }
    if (equal_shares_simulate(&r) == NEAR_TIE) {
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
     "run(election, endowment: int | float, before_winners=None, before_trace=None)\n"
     "-> (winners, trace, certified), or None on a near-tie."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_c_engine",
    .m_doc = "One float run of Equal Shares with near-tie detection (see float_engine.py).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__c_engine(void)
{
    return PyModule_Create(&module);
}
