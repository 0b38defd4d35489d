"""The comparison half of ``tests/snapshot``: moved URLs, expected redirects, exit codes."""

from tests.snapshot import page_file
from tests.snapshot.compare import Moved, compare


def write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def page(url, status="200", location="", body=""):
    header = f"Location: {location}\n" if location else ""
    return f"GET {url}\n{status}\n{header}\n{body}"


def test_page_files_are_named_after_the_path():
    assert page_file("/") == "_.page"
    assert page_file("/census/") == "census/_.page"
    assert page_file("/projects/12") == "projects/12.page"
    assert page_file("/voting/8/board?page=2") == "voting/8/board?page=2.page"


def test_moved_prefixes_rewrite_links_and_next_parameters_once():
    moved = Moved({"/census/": "/staff/census/", "/admin/": "/staff/"})
    assert moved.url("/census/x") == "/staff/census/x"
    assert moved.text('<a href="/census/">') == '<a href="/staff/census/">'
    assert moved.text("/login?next=%2Fadmin%2Fusers") == "/login?next=%2Fstaff%2Fusers"
    assert moved.text('"/staff/census/" "/x/admin/"') == '"/staff/census/" "/x/admin/"'


def test_identical_trees_compare_equal(tmp_path, capsys):
    files = {"db/users.txt": "[1]\n", "pages/anonymous/_.page": page("/")}
    write(tmp_path / "old", files)
    write(tmp_path / "new", files)
    assert compare(tmp_path / "old", tmp_path / "new", None) == 0
    assert "Identical." in capsys.readouterr().out


def test_a_moved_page_matches_and_its_old_url_may_redirect(tmp_path, capsys):
    write(tmp_path / "old", {
        "pages/admin/census/_.page": page("/census/", body='<a href="/census/">'),
        "pages/admin.index.txt": "GET /census/ 200 \nGET /desk/ 200 \n",
        "urlmap.txt": "/census/\tGET\tcensus.upload\n",
    })
    write(tmp_path / "new", {
        "pages/admin/staff/census/_.page": page("/staff/census/", body='<a href="/staff/census/">'),
        "pages/admin/census/_.page": page("/census/", "308", "/staff/census/"),
        "pages/admin.index.txt": "GET /census/ 308 /staff/census/\nGET /desk/ 200 \n"
                                 "GET /staff/census/ 200 \n",
        "urlmap.txt": "/staff/census/\tGET\tstaff.census\n/census/\tGET\tredirects.census\n",
    })
    moved = Moved({"/census/": "/staff/census/"})
    assert compare(tmp_path / "old", tmp_path / "new", moved) == 0
    out = capsys.readouterr().out
    assert "redirect to their new place: expected (1)" in out
    assert "~ /staff/census/ GET census.upload -> staff.census" in out
    assert compare(tmp_path / "old", tmp_path / "new", None) == 1


def test_a_changed_body_is_shown_and_fails(tmp_path, capsys):
    write(tmp_path / "old", {"tallies/cycle-1.tally.txt": "winners 1 2\n"})
    write(tmp_path / "new", {"tallies/cycle-1.tally.txt": "winners 1 3\n"})
    assert compare(tmp_path / "old", tmp_path / "new", None) == 1
    assert "+winners 1 3" in capsys.readouterr().out
