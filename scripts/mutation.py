"""`make mutation`: plant one-line bugs (mutmut 3) in the code whose bugs would hurt residents or the counter, run
the fast tests of that code against each one, and report per package which bugs no test noticed.

    python scripts/mutation.py                   # every package, in the order below
    python scripts/mutation.py prefill slip      # only these
    python scripts/mutation.py --survivors slip  # again, only the mutants that survived the last run (after adding
                                                 # tests), in build/mutation/slip-survivors: quicker; the report
                                                 # is the last full run's with those now killed counted as killed
                                                 # (not where the function's code changed since: run it all again)
    python scripts/mutation.py --report          # the report of the last runs, running nothing
    python scripts/mutation.py --files=kiosk/engine/dates.py,kiosk/engine/path.py engine
                                                 # only these files of the package (its folder's last run is then
                                                 # of them only, and so is the report; give the same --files to
                                                 # --survivors and --report)
    python scripts/mutation.py --help            # this text

Each package runs in its own folder, build/mutation/<package>/ (links to the project and a setup.cfg whose [mutmut]
section is the project's with that package's files and fast tests), so that a mutant runs only the tests that are
meant to catch it: the web tests reach every engine function, and running them for each engine mutant would take a
day. The shared settings (files copied beside the code, pytest options) are the [mutmut] section of setup.cfg.
--survivors runs in a folder of its own because mutmut forgets every verdict of a folder when its test selection
changes (as it does when a test file is added to a package), and the full run's verdicts must stay.

The score is killed ÷ (killed + survived): a timeout counts as killed, a mutant that no test reaches as survived.
The last line is `mutation score: N%`.
"""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
WORK = PROJECT / "build" / "mutation"
LINKED = ("kiosk", "tests", "questionnaires", "templates", "static", "docs")  # docs: the glossary test reads it


@dataclass(frozen=True)
class Package:
    files: tuple[str, ...]  # what mutmut mutates (only_mutate)
    mutants: tuple[str, ...]  # which of their mutants count (mutant names: module, x_function or xǁClassǁmethod)
    tests: tuple[str, ...]  # the fast tests that are meant to catch them
    modules: tuple[str, ...] = ("*",)  # and of those mutants, only the ones of these modules (--files)

    def counts(self, mutant: str) -> bool:
        """Whether `mutant` is one of this package's."""
        return belongs(mutant, self.mutants) and belongs(mutant, self.modules)


PACKAGES: dict[str, Package] = {
    "prefill": Package(("kiosk/prefill/*",), ("kiosk.prefill.*",), ("tests/prefill", "tests/slip/test_recheck.py")),
    "slip": Package(("kiosk/slip/*",), ("kiosk.slip.*",), ("tests/slip", "tests/prefill")),
    # `kiosk purge`: cases (and their statuses), sessions, resume codes and throttle rows that have expired
    "purge": Package(
        ("kiosk/store/cases.py", "kiosk/store/sessions.py", "kiosk/store/throttle.py"),
        ("kiosk.store.cases.xǁCaseStoreǁpurge__mutmut_*", "kiosk.store.cases.x__live__mutmut_*",
         "kiosk.store.sessions.xǁSessionStoreǁpurge_expired__mutmut_*",
         "kiosk.store.throttle.xǁThrottleStoreǁpurge__mutmut_*"),
        ("tests/store/test_purge.py", "tests/store/test_session_store.py"),
    ),
    # the staff login's throttle: typos are free, then growing waits up to fifteen minutes
    "lockout": Package(
        ("kiosk/store/throttle.py", "kiosk/store/staff.py", "kiosk/web/staff.py"),
        ("kiosk.store.throttle.x_*", "kiosk.store.throttle.xǁPolicyǁ*",
         "kiosk.store.throttle.xǁThrottleStoreǁattempt__*",
         "kiosk.store.throttle.xǁThrottleStoreǁsucceeded__*", "kiosk.store.throttle.xǁThrottleStoreǁclear__*",
         "kiosk.store.throttle.xǁThrottleStoreǁwait__*", "kiosk.store.throttle.xǁThrottleStoreǁ_locked_row__*",
         "kiosk.store.staff.xǁStaffStoreǁauthenticate__mutmut_*", "kiosk.web.staff.x__throttle_keys__mutmut_*",
         "kiosk.web.staff.x__wait_text__mutmut_*"),
        ("tests/store/test_throttle.py", "tests/store/test_throttle_give_back.py", "tests/web/test_staff_lockout.py",
         "tests/web/test_staff_login_answers.py", "tests/security/test_staff.py"),
    ),
    # resident and staff sessions and resume codes
    "session": Package(
        ("kiosk/store/sessions.py", "kiosk/web/session.py", "kiosk/web/staff.py"),
        ("kiosk.store.sessions.x_*",
         *(f"kiosk.store.sessions.xǁSessionStoreǁ{method}__*"
           for method in ("fetch", "load", "save", "extend", "delete", "create_resume_code", "take_resume_code")),
         "kiosk.web.session.*", "kiosk.web.staff.x__new_session__mutmut_*"),
        ("tests/store/test_session_store.py", "tests/store/test_session_boundaries.py", "tests/web/test_session.py",
         "tests/web/test_session_rules.py", "tests/security/test_sessions.py", "tests/security/test_resume.py",
         "tests/web/test_staff_actions.py",
         # a session opened while the database is away (SQLite's folder renamed: in this process)
         "tests/robustness/test_faults.py::test_a_real_database_outage_gives_clear_503s_and_loses_nothing",
         "tests/robustness/test_faults.py::test_a_new_visitor_during_an_outage_gets_the_503_page_not_an_error"),
    ),
    # the cross-site checks beside the CSRF token, and safe redirects
    "csrf": Package(
        ("kiosk/web/security.py",),
        ("kiosk.web.security.*",),
        ("tests/security/test_csrf.py", "tests/security/test_csrf_every_route.py", "tests/security/test_same_origin.py",
         "tests/security/test_hosts.py", "tests/security/test_bad_input.py",
         "tests/security/test_refused_page_link_back.py"),
    ),
    "engine": Package(("kiosk/engine/*",), ("kiosk.engine.*",), ("tests/engine", "tests/content")),
}
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
SURVIVED = {"survived", "no tests", "suspicious"}
_LINE = re.compile(r"^\s+(\S+): (.+)$")


def narrowed(name: str, files: list[str]) -> Package:
    """`name`'s package with only `files` mutated and counted (each must be one of the package's files)."""
    package = PACKAGES[name]
    outside = [path for path in files if not belongs(path, package.files)]
    if outside:
        raise SystemExit(f"not files of {name}: {', '.join(outside)}")
    modules = tuple(path.removesuffix(".py").replace("/", ".") + ".*" for path in files)
    return replace(package, files=tuple(files), modules=modules)


def setup_cfg(package: Package) -> str:
    """The project's setup.cfg with its [mutmut] section narrowed to `package`."""
    text = (PROJECT / "setup.cfg").read_text(encoding="utf-8")
    start = text.index("\n[mutmut]\n")
    end = text.find("\n[", start + 1)
    section = text[start : end if end != -1 else len(text)]
    rest = text[:start] + (text[end:] if end != -1 else "")
    for key, values in (("only_mutate", package.files), ("pytest_add_cli_args_test_selection", package.tests)):
        section = re.sub(rf"\n{key} =\n(?:    .*\n)*", "\n", section + "\n")
        section += f"{key} =\n" + "".join(f"    {value}\n" for value in values)
    return rest + re.sub(r"\n{2,}", "\n", section)


def prepare(name: str, package: Package, folder: str | None = None) -> Path:
    """build/mutation/<folder or name>: links to the project's code, tests and content, and the package's
    setup.cfg."""
    work = WORK / (folder or name)
    work.mkdir(parents=True, exist_ok=True)
    for entry in LINKED:
        link = work / entry
        if not link.is_symlink():
            link.symlink_to(PROJECT / entry)
    (work / "setup.cfg").write_text(setup_cfg(package), encoding="utf-8")
    return work


def results(work: Path) -> dict[str, str]:
    """Every mutant's status as mutmut recorded it in `work` (nothing when it has not run there)."""
    if not (work / "mutants").exists():
        return {}
    done = subprocess.run([MUTMUT, "results", "--all", "true"], capture_output=True, text=True, cwd=work, check=False)
    return {match[1]: match[2].strip() for line in done.stdout.splitlines() if (match := _LINE.match(line))}


def belongs(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def run(name: str, package: Package, survivors_only: bool) -> None:
    patterns = list(package.mutants) if package.modules == ("*",) else (
        [pattern for pattern in package.mutants if any(pattern.startswith(module[:-1]) for module in package.modules)]
        + [module for module in package.modules if belongs(module, package.mutants)])
    if survivors_only:
        patterns = [key for key, status in verdicts(name, package).items() if status in SURVIVED]
        if not patterns:
            return
    work = prepare(name, package, f"{name}-survivors" if survivors_only else None)
    log = work / "mutmut.log"
    print(f"== {name}: mutmut on {len(patterns) if survivors_only else 'every'} mutant(s) (log: {log})", flush=True)
    with log.open("a", encoding="utf-8") as sink:
        subprocess.run([MUTMUT, "run", *patterns], stdout=sink, stderr=subprocess.STDOUT, cwd=work, check=False)


def function_hashes(work: Path) -> dict[str, str]:
    """The hash mutmut kept of each mutated function's source in `work` ("kiosk.store.throttle.xǁPolicyǁdelay_after"),
    to tell whether a mutant of the same name is still the same change."""
    hashes: dict[str, str] = {}
    for meta in (work / "mutants").glob("**/*.py.meta"):
        module = meta.relative_to(work / "mutants").as_posix().removesuffix(".py.meta").replace("/", ".")
        recorded = json.loads(meta.read_text(encoding="utf-8")).get("hash_by_function_name", {})
        hashes.update({f"{module}.{function}": digest for function, digest in recorded.items()})
    return hashes


def verdicts(name: str, package: Package) -> dict[str, str]:
    """The package's mutants as its last full run left them, with those that a --survivors run killed since —
    only where the function is unchanged: after the code changed, a mutant of the same name is another change."""
    mine = {key: status for key, status in results(WORK / name).items() if package.counts(key)}
    rechecked = results(WORK / f"{name}-survivors")
    before, after = function_hashes(WORK / name), function_hashes(WORK / f"{name}-survivors")

    def same_code(key: str) -> bool:
        function = key.rsplit("__mutmut_", 1)[0]
        return before.get(function) is not None and before.get(function) == after.get(function)

    return {key: rechecked[key] if rechecked.get(key) in KILLED and same_code(key) else status
            for key, status in mine.items()}


def report(packages: dict[str, Package]) -> None:
    total_killed = total_survived = 0
    survivors: list[str] = []
    for name, package in packages.items():
        mine = verdicts(name, package)
        killed = sum(status in KILLED for status in mine.values())
        survived = sum(status in SURVIVED for status in mine.values())
        other = len(mine) - killed - survived
        total_killed, total_survived = total_killed + killed, total_survived + survived
        score = 100 * killed / (killed + survived) if killed + survived else 0.0
        print(f"{name}: {killed} killed, {survived} survived" + (f", {other} not run" if other else "")
              + f": {score:.1f}%")
        survivors += [f"  {key}: {status}" for key, status in sorted(mine.items()) if status in SURVIVED]
    if survivors:
        print("surviving mutants (see one with `cd build/mutation/<package> && mutmut show NAME`):")
        print("\n".join(survivors))
    overall = 100 * total_killed / (total_killed + total_survived) if total_killed + total_survived else 0.0
    print(f"mutation score: {overall:.1f}%")


def main(argv: list[str]) -> int:
    if "--help" in argv or "-h" in argv:
        print(__doc__)
        return 0
    files = [path for arg in argv if arg.startswith("--files=") for path in arg.removeprefix("--files=").split(",")
             if path]
    flags = {arg for arg in argv if arg.startswith("--") and not arg.startswith("--files=")}
    wanted = [arg for arg in argv if not arg.startswith("--")] or list(PACKAGES)
    unknown = [name for name in wanted if name not in PACKAGES] + sorted(flags - {"--survivors", "--report"})
    if unknown:
        print(f"unknown: {', '.join(unknown)}; packages are {', '.join(PACKAGES)}", file=sys.stderr)
        return 2
    if files and len(wanted) != 1:
        print("--files narrows one package: name it", file=sys.stderr)
        return 2
    packages = {name: narrowed(name, files) if files else PACKAGES[name] for name in wanted}
    if "--report" not in flags:
        for name, package in packages.items():
            run(name, package, "--survivors" in flags)
    report(packages)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
