#!/usr/bin/env python3
"""Re-check the labels in labelled-pairs.jsonl (a reviewer's tool, not part of the test suite).

For every row of the table this script holds an independent *reading* of both sides: a
small Python/sympy expression for what `pred` and `ref` mean mathematically (units, degree
signs, `$`, word numbers, thousands separators, `x=` prefixes already removed by hand, per the
labelling policy in README.md).  It then decides equality by doing the mathematics exactly
(integers and rationals exactly, algebraic numbers and polynomials through sympy, intervals
and inequalities as sympy sets, equations up to a non-zero constant factor, ordered tuples in
order, solution lists / sets in any order, matrices element-wise) and compares the result
with the row's `equal` label.  For `extraction` rows it also re-extracts the last
`\\boxed{...}` (balanced braces) from `pred` and checks it against the expected content.

It also checks the table's shape: valid JSON, the five fields, known categories, at least
10 rows per category, no duplicate (pred, ref) pair, and that every row has a reading here
(and every reading has a row).

Usage:  python3 verify-labels.py [path/to/labelled-pairs.jsonl]
Needs sympy (`pip install sympy`).  Exit status 0 when every label agrees, 1 otherwise.
What it cannot check: the readings themselves (that `5\\text{ cm}` means 5, or that `(2,5)`
is a point and `[2,5]` an interval) -- those are the policy, written next to each row.
"""
import json
import os
import sys
from collections import Counter, defaultdict

try:
    import sympy as sp
except ImportError:  # pragma: no cover
    sys.exit("verify-labels.py needs sympy: pip install sympy")

CATEGORIES = [
    "integer", "rational", "decimal", "big-number", "percent", "units-text", "degrees",
    "currency", "prefix-equals", "word-number", "thousands", "mixed-number",
    "repeating-decimal", "radical", "pi-e", "complex", "polynomial", "rational-expression",
    "equation", "tuple", "interval", "inequality", "set-list", "pm", "matrix", "base-n",
    "multiple-choice", "empty-set", "unicode", "extraction", "malformed",
]

# ---------------------------------------------------------------- value kinds
x, y, z, a, b, c, t, m, n, k, r = sp.symbols("x y z a b c t m n k r")
xr = sp.Symbol("x", real=True)  # the variable of inequalities


class _NoAnswer:
    def __repr__(self):
        return "NOANS"


NOANS = _NoAnswer()  # malformed / no extractable answer: equal to nothing


class Tup:  # ordered tuple / point
    def __init__(self, *items):
        self.items = [sp.sympify(i) for i in items]


class Sol:  # unordered solution list or set: {..}, "a, b", "a or b", \pm
    def __init__(self, *items):
        self.items = [sp.sympify(i) for i in items]


class Eqn:  # an equation lhs = rhs
    def __init__(self, lhs, rhs):
        self.f = sp.sympify(lhs) - sp.sympify(rhs)


class Mat:
    def __init__(self, rows):
        self.m = sp.Matrix(rows)


class Choice:  # multiple-choice answer; several letters = hedged
    def __init__(self, *letters):
        self.letters = frozenset(l.upper() for l in letters)


class Base:  # a numeral with an explicit base subscript
    def __init__(self, digits, base):
        self.value = int(digits, base)


class Pct:  # an explicit percent: value/100, also accepted as a unit sign (policy)
    def __init__(self, v):
        self.v = sp.sympify(v)


def R(p, q=1):
    return sp.Rational(p, q)


def D(s):
    """A terminating decimal, exactly as written."""
    return sp.Rational(s)


def rep(head, cycle):
    """Repeating decimal head + overline(cycle), e.g. rep('0.1', '6') = 0.1666... = 1/6."""
    neg = head.startswith("-")
    head = head.lstrip("-")
    ip, _, frac = head.partition(".")
    base = sp.Rational(int(ip or "0")) + (sp.Rational(int(frac), 10 ** len(frac)) if frac else 0)
    tail = sp.Rational(int(cycle), (10 ** len(cycle) - 1) * 10 ** len(frac))
    v = base + tail
    return -v if neg else v


def ineq(*rels):
    """Solution set over the reals of a relation in x (several relations: their union)."""
    out = sp.S.EmptySet
    for rel in rels:
        out = sp.Union(out, sp.solveset(rel, xr, sp.S.Reals))
    return out


def iv(lo, hi, left, right):
    """Interval with bracket characters, e.g. iv(2, 5, '[', ')')."""
    return sp.Interval(lo, hi, left_open=(left == "("), right_open=(right == ")"))


NS = {name: getattr(sp, name) for name in (
    "sqrt", "root", "pi", "E", "I", "oo", "exp", "log", "factorial", "binomial", "Abs",
    "conjugate", "Interval", "Union", "Intersection", "Complement", "FiniteSet", "S",
    "Rational", "Integer", "Gt", "Lt", "Ge", "Le", "Ne")}
NS.update(dict(x=x, y=y, z=z, a=a, b=b, c=c, t=t, m=m, n=n, k=k, r=r, X=xr,
               NOANS=NOANS, Tup=Tup, Sol=Sol, Eqn=Eqn, Mat=Mat, Choice=Choice, Base=Base,
               Pct=Pct, R=R, D=D, rep=rep, ineq=ineq, iv=iv))


def value(src):
    return eval(src, {"__builtins__": {}}, dict(NS))


# ---------------------------------------------------------------- exact equality
class Undecided(Exception):
    pass


def same(u, v):
    u, v = sp.sympify(u), sp.sympify(v)
    if u.is_Rational and v.is_Rational:
        return u == v  # exact, at any size
    d = u - v
    if d == 0:
        return True
    if sp.expand(d) == 0 or sp.simplify(d) == 0:
        return True
    if d.free_symbols:
        return False  # a non-zero polynomial / rational function after simplify
    eq0 = d.equals(0)
    if eq0 is True:
        return True
    if eq0 is False:
        return False
    approx = sp.N(d, 60)
    if abs(approx) > sp.Rational(1, 10 ** 40):
        return False
    raise Undecided(f"cannot decide {u} vs {v}")


def kind(val):
    if val is NOANS:
        return "none"
    if isinstance(val, (Tup, Sol, Eqn, Mat, Choice, Base, Pct)):
        return type(val).__name__
    val = sp.sympify(val)
    if isinstance(val, sp.Set):
        return "set"
    return "expr"


def match_unordered(us, vs):
    return all(any(same(u, v) for v in vs) for u in us) and all(
        any(same(u, v) for u in us) for v in vs)


def equal(p, q):
    kp, kq = kind(p), kind(q)
    if "none" in (kp, kq):
        return False
    if kp == "Pct" and kq == "Pct":
        return same(p.v, q.v)
    if kp == "Pct" or kq == "Pct":
        pct, other = (p, q) if kp == "Pct" else (q, p)
        if kind(other) != "expr":
            return False
        return same(pct.v / 100, other) or same(pct.v, other)
    if kp != kq:
        return False  # a point is not an interval, a set is not a number, ...
    if kp == "expr":
        return same(p, q)
    if kp == "Tup":
        return len(p.items) == len(q.items) and all(same(u, v) for u, v in zip(p.items, q.items))
    if kp == "Sol":
        return match_unordered(p.items, q.items)
    if kp == "set":
        p, q = sp.sympify(p), sp.sympify(q)
        return p == q or sp.Complement(p, q) == sp.S.EmptySet and sp.Complement(q, p) == sp.S.EmptySet
    if kp == "Eqn":
        if p.f == 0 or q.f == 0:
            return False
        ratio = sp.simplify(p.f / q.f)
        return not ratio.free_symbols and ratio != 0 and ratio.is_finite is True
    if kp == "Mat":
        return p.m.shape == q.m.shape and all(same(u, v) for u, v in zip(p.m, q.m))
    if kp == "Choice":
        return len(p.letters) == 1 and p.letters == q.letters
    if kp == "Base":
        return p.value == q.value
    raise AssertionError(kp)


# ---------------------------------------------------------------- extraction
def last_boxed(text):
    """Content of the last \\boxed{...} with balanced braces (escaped \\{ \\} ignored); None if unclosed."""
    i = text.rfind("\\boxed")
    if i < 0:
        return None
    j = i + len("\\boxed")
    while j < len(text) and text[j] == " ":
        j += 1
    if j >= len(text) or text[j] != "{":
        return None
    depth, start, j = 0, j + 1, j
    while j < len(text):
        ch = text[j]
        if ch == "\\" and j + 1 < len(text) and text[j + 1] in "{}":
            j += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:j]
        j += 1
    return None


# ---------------------------------------------------------------- the readings
# (pred, ref, reading of pred, reading of ref, expected last-\boxed content or None)
CHECKS = [
    # --- integer
    (r"42.0", r"42", "D('42.0')", '42', None),
    (r"042", r"42", '42', '42', None),
    (r"- 7", r"-7", '-7', '-7', None),
    (r"+5", r"5", '5', '5', None),
    (r"12.", r"12", '12', '12', None),
    (r"{12}", r"12", '12', '12', None),
    (r"\;12\;", r"12", '12', '12', None),
    (r"2^{10}", r"1024", 'Integer(2)**10', '1024', None),
    (r"3!", r"6", 'factorial(3)', '6', None),
    (r"-0", r"0", '-0', '0', None),
    (r"41", r"42", '41', '42', None),
    (r"-42", r"42", '-42', '42', None),
    (r"420", r"42", '420', '42', None),
    (r"4.2", r"42", "D('4.2')", '42', None),
    (r"24", r"42", '24', '42', None),
    (r"2^{10}", r"1000", 'Integer(2)**10', '1000', None),
    (r"12", r"1.2", '12', "D('1.2')", None),
    # --- rational
    (r"\frac12", r"\frac{1}{2}", 'R(1,2)', 'R(1,2)', None),
    (r"\frac 1 2", r"0.5", 'R(1,2)', "D('0.5')", None),
    (r"\dfrac{3}{4}", r"\frac34", 'R(3,4)', 'R(3,4)', None),
    (r"\tfrac{3}{4}", r"3/4", 'R(3,4)', 'R(3,4)', None),
    (r"{1 \over 2}", r"\frac{1}{2}", 'R(1,2)', 'R(1,2)', None),
    (r"\frac{2}{4}", r"\frac{1}{2}", 'R(2,4)', 'R(1,2)', None),
    (r"\frac{-3}{4}", r"-\frac{3}{4}", 'R(-3,4)', '-R(3,4)', None),
    (r"\frac{-3}{-4}", r"\frac34", 'R(-3,-4)', 'R(3,4)', None),
    (r"\left(\frac{1}{2}\right)", r"\frac12", 'R(1,2)', 'R(1,2)', None),
    (r"\frac{1}{3}", r"\frac{1}{2}", 'R(1,3)', 'R(1,2)', None),
    (r"\frac{2}{3}", r"\frac{3}{2}", 'R(2,3)', 'R(3,2)', None),
    (r"-\frac{1}{2}", r"\frac{1}{2}", '-R(1,2)', 'R(1,2)', None),
    (r"\frac{333}{1000}", r"\frac{1}{3}", 'R(333,1000)', 'R(1,3)', None),
    (r"\frac{1}{10000}", r"\frac{1}{10001}", 'R(1,10000)', 'R(1,10001)', None),
    (r"\frac{10001}{10000}", r"1", 'R(10001,10000)', '1', None),
    (r"\frac{7}{12}", r"\frac{7}{13}", 'R(7,12)', 'R(7,13)', None),
    # --- decimal
    (r"0.5", r"\frac{1}{2}", "D('0.5')", 'R(1,2)', None),
    (r".5", r"0.5", "D('.5')", "D('0.5')", None),
    (r"0.50", r"\frac12", "D('0.50')", 'R(1,2)', None),
    (r"1.25", r"\frac{5}{4}", "D('1.25')", 'R(5,4)', None),
    (r"2.000", r"2", "D('2.000')", '2', None),
    (r"-0.75", r"-\frac34", "D('-0.75')", '-R(3,4)', None),
    (r"0.125", r"\frac18", "D('0.125')", 'R(1,8)', None),
    (r"3.14", r"\frac{157}{50}", "D('3.14')", 'R(157,50)', None),
    (r"0.3333", r"\frac13", "D('0.3333')", 'R(1,3)', None),
    (r"0.67", r"\frac23", "D('0.67')", 'R(2,3)', None),
    (r"42.01", r"42", "D('42.01')", '42', None),
    (r"0.1", r"0.01", "D('0.1')", "D('0.01')", None),
    (r"0.50001", r"0.5", "D('0.50001')", "D('0.5')", None),
    (r"1.000000000000000001", r"1", "D('1.000000000000000001')", '1', None),
    (r"0.142857", r"\frac17", "D('0.142857')", 'R(1,7)', None),
    # --- big-number
    (r"2^{64}", r"18446744073709551616", 'Integer(2)**64', '18446744073709551616', None),
    (r"4^{1002}", r"2^{2004}", 'Integer(4)**1002', 'Integer(2)**2004', None),
    (r"\frac{2005!}{2004!}", r"2005", 'factorial(2005)/factorial(2004)', '2005', None),
    (r"10^{18}", r"1000000000000000000", 'Integer(10)**18', '1000000000000000000', None),
    (r"\binom{100}{50}", r"100891344545564193334812497256", 'binomial(100,50)', '100891344545564193334812497256', None),
    (r"2^{100}", r"1267650600228229401496703205376", 'Integer(2)**100', '1267650600228229401496703205376', None),
    (r"20!", r"2432902008176640000", 'factorial(20)', '2432902008176640000', None),
    (r"2\cdot 2^{2003}", r"2^{2004}", '2*Integer(2)**2003', 'Integer(2)**2004', None),
    (r"\frac{2^{2005}}{2}", r"2^{2004}", 'Integer(2)**2005/2', 'Integer(2)**2004', None),
    (r"2^{2004}", r"2^{2005}", 'Integer(2)**2004', 'Integer(2)**2005', None),
    (r"1000001", r"1000000", '1000001', '1000000', None),
    (r"\frac{1}{2004!}", r"\frac{1}{2006!}", '1/factorial(2004)', '1/factorial(2006)', None),
    (r"\frac{1}{2004!}", r"\frac{1}{2003!}", '1/factorial(2004)', '1/factorial(2003)', None),
    (r"1/2004!", r"1/2006!", '1/factorial(2004)', '1/factorial(2006)', None),
    (r"1/2004!", r"\frac{1}{2004!}", '1/factorial(2004)', '1/factorial(2004)', None),
    (r"10^{100}+1", r"10^{100}", 'Integer(10)**100+1', 'Integer(10)**100', None),
    (r"123456789012345678901", r"123456789012345678902", '123456789012345678901', '123456789012345678902', None),
    (r"2^{64}", r"18446744073709551615", 'Integer(2)**64', '18446744073709551615', None),
    (r"3^{100}", r"3^{101}", 'Integer(3)**100', 'Integer(3)**101', None),
    (r"99999999999999999999", r"100000000000000000000", '99999999999999999999', '100000000000000000000', None),
    (r"2^{100}", r"1267650600228229401496703205377", 'Integer(2)**100', '1267650600228229401496703205377', None),
    # --- percent
    (r"25\%", r"\frac14", 'Pct(25)', 'R(1,4)', None),
    (r"25\%", r"0.25", 'Pct(25)', "D('0.25')", None),
    (r"25\%", r"25", 'Pct(25)', '25', None),
    (r"25%", r"25", 'Pct(25)', '25', None),
    (r"12.5\%", r"\frac18", "Pct(D('12.5'))", 'R(1,8)', None),
    (r"33\frac{1}{3}\%", r"\frac13", 'Pct(33+R(1,3))', 'R(1,3)', None),
    (r"100\%", r"1", 'Pct(100)', '1', None),
    (r"\frac{1}{4}", r"25\%", 'R(1,4)', 'Pct(25)', None),
    (r"40 \%", r"0.4", 'Pct(40)', "D('0.4')", None),
    (r"25 \text{ percent}", r"\frac14", 'Pct(25)', 'R(1,4)', None),
    (r"0.25", r"25", "D('0.25')", '25', None),
    (r"25", r"0.25", '25', "D('0.25')", None),
    (r"25\%", r"2.5", 'Pct(25)', "D('2.5')", None),
    (r"25\%", r"0.025", 'Pct(25)', "D('0.025')", None),
    (r"33\%", r"\frac13", 'Pct(33)', 'R(1,3)', None),
    (r"20\%", r"25\%", 'Pct(20)', 'Pct(25)', None),
    (r"25\%", r"0.25\%", 'Pct(25)', "Pct(D('0.25'))", None),
    (r"50\%", r"5", 'Pct(50)', '5', None),
    (r"50", r"\frac12", '50', 'R(1,2)', None),
    # --- units-text
    (r"5\text{ cm}", r"5", '5', '5', None),
    (r"5 \text{ cm}^2", r"5", '5', '5', None),
    (r"12\mbox{ inches}", r"12", '12', '12', None),
    (r"3\text{ hours}", r"3", '3', '3', None),
    (r"10 meters", r"10", '10', '10', None),
    (r"\text{5}", r"5", '5', '5', None),
    (r"18\text{ square feet}", r"18", '18', '18', None),
    (r"4\ \text{m}", r"4", '4', '4', None),
    (r"\textbf{7}", r"7", '7', '7', None),
    (r"2.5\text{ km}", r"\frac52", "D('2.5')", 'R(5,2)', None),
    (r"7\text{ apples}", r"7", '7', '7', None),
    (r"5\text{ cm}", r"6", '5', '6', None),
    (r"5a", r"5", '5*a', '5', None),
    (r"2t", r"2", '2*t', '2', None),
    (r"3c", r"3", '3*c', '3', None),
    (r"a+1", r"1", 'a+1', '1', None),
    (r"\frac{a}{2}", r"\frac12", 'a/2', 'R(1,2)', None),
    (r"10\text{ ft}", r"100", '10', '100', None),
    (r"5\text{ cm}^2", r"25", '5', '25', None),
    # --- degrees
    (r"30^\circ", r"30", '30', '30', None),
    (r"30^{\circ}", r"30", '30', '30', None),
    (r"30°", r"30", '30', '30', None),
    (r"30^\circ", r"30°", '30', '30', None),
    (r"45 \text{ degrees}", r"45^\circ", '45', '45', None),
    (r"120 degrees", r"120", '120', '120', None),
    (r"22.5^\circ", r"\frac{45}{2}", "D('22.5')", 'R(45,2)', None),
    (r"90^{\circ}", r"90^\circ", '90', '90', None),
    (r"-30^\circ", r"-30", '-30', '-30', None),
    (r"30^\circ", r"60", '30', '60', None),
    (r"30^\circ", r"300", '30', '300', None),
    (r"-30^\circ", r"30^\circ", '-30', '30', None),
    (r"45^\circ 30'", r"45^\circ", '45+R(30,60)', '45', None),
    (r"30^2", r"30", 'Integer(30)**2', '30', None),
    (r"150^\circ", r"30^\circ", '150', '30', None),
    (r"3^\circ", r"30^\circ", '3', '30', None),
    # --- currency
    (r"\$5", r"5", '5', '5', None),
    (r"\$5.00", r"5", "D('5.00')", '5', None),
    (r"\$1,000", r"1000", '1000', '1000', None),
    (r"5 \text{ dollars}", r"\$5", '5', '5', None),
    (r"\$ 12.50", r"12.5", "D('12.50')", "D('12.5')", None),
    (r"\$0.75", r"\frac34", "D('0.75')", 'R(3,4)', None),
    (r"-\$5", r"-5", '-5', '-5', None),
    (r"\$\frac{5}{2}", r"2.50", 'R(5,2)', "D('2.50')", None),
    (r"5 dollars", r"5", '5', '5', None),
    (r"\$12.50", r"\$12.5", "D('12.50')", "D('12.5')", None),
    (r"\$5", r"50", '5', '50', None),
    (r"\$5.50", r"5.05", "D('5.50')", "D('5.05')", None),
    (r"\$1,000", r"1", '1000', '1', None),
    (r"\$0.50", r"50", "D('0.50')", '50', None),
    (r"\$12", r"\$21", '12', '21', None),
    (r"\$5", r"-5", '5', '-5', None),
    (r"\$1.05", r"\$1.50", "D('1.05')", "D('1.50')", None),
    # --- prefix-equals
    (r"x=5", r"5", '5', '5', None),
    (r"x = -3", r"-3", '-3', '-3', None),
    (r"k=3", r"3", '3', '3', None),
    (r"n = 12", r"12", '12', '12', None),
    (r"y=7", r"7", '7', '7', None),
    (r"x=\frac{1}{2}", r"0.5", 'R(1,2)', "D('0.5')", None),
    (r"a = 2", r"2", '2', '2', None),
    (r"m=4", r"4", '4', '4', None),
    (r"t = 4", r"4", '4', '4', None),
    (r"y = 2x+1", r"y=2x+1", 'Eqn(y,2*x+1)', 'Eqn(y,2*x+1)', None),
    (r"y=2x+1", r"y=1+2x", 'Eqn(y,2*x+1)', 'Eqn(y,1+2*x)', None),
    (r"k = -\frac{1}{2}", r"-0.5", '-R(1,2)', "D('-0.5')", None),
    (r"x=5", r"x=-5", 'Eqn(x,5)', 'Eqn(x,-5)', None),
    (r"x=2", r"y=2", 'Eqn(x,2)', 'Eqn(y,2)', None),
    (r"y=2x+1", r"x=2y+1", 'Eqn(y,2*x+1)', 'Eqn(x,2*y+1)', None),
    (r"x+5", r"x+y=5", 'x+5', 'Eqn(x+y,5)', None),
    (r"2x+36", r"2x+3y=6", '2*x+36', 'Eqn(2*x+3*y,6)', None),
    (r"y=2x+1", r"y=2x-1", 'Eqn(y,2*x+1)', 'Eqn(y,2*x-1)', None),
    (r"k=3", r"k=-3", 'Eqn(k,3)', 'Eqn(k,-3)', None),
    (r"x=5", r"6", '5', '6', None),
    (r"y=3x", r"y=x", 'Eqn(y,3*x)', 'Eqn(y,x)', None),
    # --- word-number
    (r"five", r"5", '5', '5', None),
    (r"\text{five}", r"5", '5', '5', None),
    (r"twelve", r"12", '12', '12', None),
    (r"twenty-one", r"21", '21', '21', None),
    (r"one hundred", r"100", '100', '100', None),
    (r"zero", r"0", '0', '0', None),
    (r"Seven", r"7", '7', '7', None),
    (r"three hundred forty-two", r"342", '342', '342', None),
    (r"one half", r"\frac12", 'R(1,2)', 'R(1,2)', None),
    (r"\text{eleven}", r"11", '11', '11', None),
    (r"5", r"\text{five}", '5', '5', None),
    (r"five", r"6", '5', '6', None),
    (r"fifteen", r"50", '15', '50', None),
    (r"fifty", r"15", '50', '15', None),
    (r"none", r"1", '0', '1', None),
    (r"seventeen", r"70", '17', '70', None),
    (r"four", r"14", '4', '14', None),
    (r"two", r"\frac12", '2', 'R(1,2)', None),
    (r"\text{twenty}", r"12", '20', '12', None),
    (r"one thousand", r"100", '1000', '100', None),
    (r"eight", r"\text{eighty}", '8', '80', None),
    # --- thousands
    (r"1,000", r"1000", '1000', '1000', None),
    (r"1{,}000", r"1000", '1000', '1000', None),
    (r"12,345,678", r"12345678", '12345678', '12345678', None),
    (r"1\,000", r"1000", '1000', '1000', None),
    (r"10,000.5", r"10000.5", "D('10000.5')", "D('10000.5')", None),
    (r"1 000 000", r"1000000", '1000000', '1000000', None),
    (r"1{,}234.5", r"\frac{2469}{2}", "D('1234.5')", 'R(2469,2)', None),
    (r"1,234", r"1234.0", '1234', "D('1234.0')", None),
    (r"1000", r"1{,}000", '1000', '1000', None),
    (r"1,001", r"1000", '1001', '1000', None),
    (r"10,000", r"1000", '10000', '1000', None),
    (r"100,000", r"1,000,000", '100000', '1000000', None),
    (r"1,2", r"12", 'Sol(1,2)', '12', None),
    (r"2,5", r"25", 'Sol(2,5)', '25', None),
    (r"1,000,001", r"1000000", '1000001', '1000000', None),
    (r"12,34", r"1234", 'Sol(12,34)', '1234', None),
    # --- mixed-number
    (r"2\frac{1}{2}", r"\frac52", '2+R(1,2)', 'R(5,2)', None),
    (r"2 \frac{1}{2}", r"2.5", '2+R(1,2)', "D('2.5')", None),
    (r"1\tfrac{3}{4}", r"\frac{7}{4}", '1+R(3,4)', 'R(7,4)', None),
    (r"-2\frac{1}{2}", r"-\frac{5}{2}", '-(2+R(1,2))', '-R(5,2)', None),
    (r"3\frac{1}{3}", r"\frac{10}{3}", '3+R(1,3)', 'R(10,3)', None),
    (r"2\frac12", r"\frac{5}{2}", '2+R(1,2)', 'R(5,2)', None),
    (r"10\frac{2}{3}", r"\frac{32}{3}", '10+R(2,3)', 'R(32,3)', None),
    (r"1\dfrac{1}{8}", r"1.125", '1+R(1,8)', "D('1.125')", None),
    (r"\frac{5}{2}", r"2\frac{1}{2}", 'R(5,2)', '2+R(1,2)', None),
    (r"2\frac{1}{2}", r"1", '2+R(1,2)', '1', None),
    (r"4\frac{2}{5}", r"\frac{8}{5}", '4+R(2,5)', 'R(8,5)', None),
    (r"-2\frac{1}{2}", r"-\frac32", '-(2+R(1,2))', '-R(3,2)', None),
    (r"2\frac{1}{2}", r"\frac{21}{2}", '2+R(1,2)', 'R(21,2)', None),
    (r"1\frac{3}{4}", r"\frac34", '1+R(3,4)', 'R(3,4)', None),
    (r"3\frac{1}{3}", r"3.33", '3+R(1,3)', "D('3.33')", None),
    (r"5\frac{1}{4}", r"\frac{5}{4}", '5+R(1,4)', 'R(5,4)', None),
    # --- repeating-decimal
    (r"0.\overline{3}", r"\frac13", "rep('0.','3')", 'R(1,3)', None),
    (r"0.\overline{142857}", r"\frac17", "rep('0.','142857')", 'R(1,7)', None),
    (r"0.1\overline{6}", r"\frac16", "rep('0.1','6')", 'R(1,6)', None),
    (r"0.\overline{9}", r"1", "rep('0.','9')", '1', None),
    (r"1.\overline{27}", r"\frac{14}{11}", "rep('1.','27')", 'R(14,11)', None),
    (r"0.\overline{12}", r"\frac{4}{33}", "rep('0.','12')", 'R(4,33)', None),
    (r"0.333\ldots", r"\frac13", "rep('0.','3')", 'R(1,3)', None),
    (r"2.\overline{5}", r"\frac{23}{9}", "rep('2.','5')", 'R(23,9)', None),
    (r"0.\overline{33}", r"0.\overline{3}", "rep('0.','33')", "rep('0.','3')", None),
    (r"0.\dot{3}", r"\frac13", "rep('0.','3')", 'R(1,3)', None),
    (r"0.\overline{3}", r"0.333", "rep('0.','3')", "D('0.333')", None),
    (r"0.\overline{3}", r"\frac{3}{10}", "rep('0.','3')", 'R(3,10)', None),
    (r"0.\overline{16}", r"\frac16", "rep('0.','16')", 'R(1,6)', None),
    (r"0.\overline{12}", r"\frac{12}{100}", "rep('0.','12')", 'R(12,100)', None),
    (r"0.\overline{9}", r"0.9", "rep('0.','9')", "D('0.9')", None),
    (r"0.3333", r"0.\overline{3}", "D('0.3333')", "rep('0.','3')", None),
    (r"0.1\overline{6}", r"0.\overline{16}", "rep('0.1','6')", "rep('0.','16')", None),
    (r"0.\overline{142857}", r"0.142857", "rep('0.','142857')", "D('0.142857')", None),
    # --- radical
    (r"\frac{\sqrt{3}}{2}", r"\frac{1}{2}\sqrt3", 'sqrt(3)/2', 'R(1,2)*sqrt(3)', None),
    (r"\sqrt{8}", r"2\sqrt{2}", 'sqrt(8)', '2*sqrt(2)', None),
    (r"\frac{1}{\sqrt2}", r"\frac{\sqrt2}{2}", '1/sqrt(2)', 'sqrt(2)/2', None),
    (r"\sqrt{12}", r"2\sqrt3", 'sqrt(12)', '2*sqrt(3)', None),
    (r"\sqrt[3]{8}", r"2", 'root(8,3)', '2', None),
    (r"\sqrt{2}+\sqrt{8}", r"3\sqrt2", 'sqrt(2)+sqrt(8)', '3*sqrt(2)', None),
    (r"\frac{2}{\sqrt{3}-1}", r"\sqrt3+1", '2/(sqrt(3)-1)', 'sqrt(3)+1', None),
    (r"\sqrt{\frac{1}{2}}", r"\frac{\sqrt2}{2}", 'sqrt(R(1,2))', 'sqrt(2)/2', None),
    (r"2^{1/2}", r"\sqrt{2}", 'Integer(2)**R(1,2)', 'sqrt(2)', None),
    (r"\sqrt{3+2\sqrt2}", r"1+\sqrt2", 'sqrt(3+2*sqrt(2))', '1+sqrt(2)', None),
    (r"\sqrt[3]{16}", r"2\sqrt[3]{2}", 'root(16,3)', '2*root(2,3)', None),
    (r"\sqrt2", r"\sqrt{2}", 'sqrt(2)', 'sqrt(2)', None),
    (r"1.4142", r"\sqrt2", "D('1.4142')", 'sqrt(2)', None),
    (r"\sqrt{3}", r"\sqrt{2}", 'sqrt(3)', 'sqrt(2)', None),
    (r"\sqrt{8}", r"4\sqrt{2}", 'sqrt(8)', '4*sqrt(2)', None),
    (r"2\sqrt{3}", r"\sqrt{6}", '2*sqrt(3)', 'sqrt(6)', None),
    (r"\sqrt[3]{2}", r"\sqrt{2}", 'root(2,3)', 'sqrt(2)', None),
    (r"-\sqrt{2}", r"\sqrt{2}", '-sqrt(2)', 'sqrt(2)', None),
    (r"\sqrt{2}+\sqrt{3}", r"\sqrt{5}", 'sqrt(2)+sqrt(3)', 'sqrt(5)', None),
    (r"\sqrt{2}", r"1.41421356237", 'sqrt(2)', "D('1.41421356237')", None),
    (r"\frac{\sqrt3}{3}", r"\sqrt3", 'sqrt(3)/3', 'sqrt(3)', None),
    # --- pi-e
    (r"2\pi", r"\pi\cdot 2", '2*pi', 'pi*2', None),
    (r"\frac{\pi}{2}", r"\frac12\pi", 'pi/2', 'R(1,2)*pi', None),
    (r"\frac{4}{3}\pi", r"\frac{4\pi}{3}", 'R(4,3)*pi', '4*pi/3', None),
    (r"e^2", r"e\cdot e", 'E**2', 'E*E', None),
    (r"\ln(e^3)", r"3", 'log(exp(3))', '3', None),
    (r"\frac{\pi^2}{6}", r"\frac{1}{6}\pi^2", 'pi**2/6', 'R(1,6)*pi**2', None),
    (r"\frac{\pi}{4}", r"0.25\pi", 'pi/4', "D('0.25')*pi", None),
    (r"\mathrm{e}^{2}", r"e^2", 'E**2', 'E**2', None),
    (r"e^{\ln 5}", r"5", 'exp(log(5))', '5', None),
    (r"100\pi \text{ cm}^2", r"100\pi", '100*pi', '100*pi', None),
    (r"3.14", r"\pi", "D('3.14')", 'pi', None),
    (r"3.14159", r"\pi", "D('3.14159')", 'pi', None),
    (r"\frac{22}{7}", r"\pi", 'R(22,7)', 'pi', None),
    (r"2\pi", r"\pi^2", '2*pi', 'pi**2', None),
    (r"2.718", r"e", "D('2.718')", 'E', None),
    (r"\frac{\pi}{2}", r"\frac{2}{\pi}", 'pi/2', '2/pi', None),
    (r"4\pi", r"4", '4*pi', '4', None),
    (r"e^2", r"2e", 'E**2', '2*E', None),
    (r"\pi+1", r"\pi", 'pi+1', 'pi', None),
    # --- complex
    (r"1+i", r"i+1", '1+I', 'I+1', None),
    (r"\frac{1}{i}", r"-i", '1/I', '-I', None),
    (r"i^2", r"-1", 'I**2', '-1', None),
    (r"(1+i)^2", r"2i", '(1+I)**2', '2*I', None),
    (r"\frac{1+i}{1-i}", r"i", '(1+I)/(1-I)', 'I', None),
    (r"3-4i", r"3 - 4i", '3-4*I', '3-4*I', None),
    (r"e^{i\pi}", r"-1", 'exp(I*pi)', '-1', None),
    (r"\sqrt{-4}", r"2i", 'sqrt(-4)', '2*I', None),
    (r"|3+4i|", r"5", 'Abs(3+4*I)', '5', None),
    (r"\overline{2+i}", r"2-i", 'conjugate(2+I)', '2-I', None),
    (r"\frac{1}{2}+\frac{\sqrt3}{2}i", r"\frac{1+i\sqrt3}{2}", 'R(1,2)+sqrt(3)/2*I', '(1+I*sqrt(3))/2', None),
    (r"1+i", r"1-i", '1+I', '1-I', None),
    (r"i", r"-i", 'I', '-I', None),
    (r"2i", r"2", '2*I', '2', None),
    (r"3+4i", r"4+3i", '3+4*I', '4+3*I', None),
    (r"i^2", r"1", 'I**2', '1', None),
    (r"3+4i", r"5", '3+4*I', '5', None),
    (r"\frac{1}{i}", r"i", '1/I', 'I', None),
    (r"2-3i", r"-3i+2", '2-3*I', '-3*I+2', None),
    # --- polynomial
    (r"x^2+2x+1", r"(x+1)^2", 'x**2+2*x+1', '(x+1)**2', None),
    (r"(x-1)(x+1)", r"x^2-1", '(x-1)*(x+1)', 'x**2-1', None),
    (r"2x+3", r"3+2x", '2*x+3', '3+2*x', None),
    (r"(x-1)(x^2+x+1)", r"x^3-1", '(x-1)*(x**2+x+1)', 'x**3-1', None),
    (r"x(x+1)", r"x^2+x", 'x*(x+1)', 'x**2+x', None),
    (r"-x+1", r"1-x", '-x+1', '1-x', None),
    (r"2(x-1)", r"2x-2", '2*(x-1)', '2*x-2', None),
    (r"(x+y)^2", r"x^2+2xy+y^2", '(x+y)**2', 'x**2+2*x*y+y**2', None),
    (r"x^{2}+1", r"x^2+1", 'x**2+1', 'x**2+1', None),
    (r"(2x-3)(2x+3)", r"4x^2-9", '(2*x-3)*(2*x+3)', '4*x**2-9', None),
    (r"(a-b)(a+b)", r"a^2-b^2", '(a-b)*(a+b)', 'a**2-b**2', None),
    (r"3yx^2", r"3x^2y", '3*y*x**2', '3*x**2*y', None),
    (r"2x-1", r"2(x-1)", '2*x-1', '2*(x-1)', None),
    (r"x^2+1", r"(x+1)^2", 'x**2+1', '(x+1)**2', None),
    (r"x^2-1", r"(x-1)^2", 'x**2-1', '(x-1)**2', None),
    (r"2x+3", r"3x+2", '2*x+3', '3*x+2', None),
    (r"x^3+1", r"(x+1)^3", 'x**3+1', '(x+1)**3', None),
    (r"x^2+x", r"x^2+1", 'x**2+x', 'x**2+1', None),
    (r"(x-2)(x+3)", r"(x+2)(x-3)", '(x-2)*(x+3)', '(x+2)*(x-3)', None),
    (r"x^2", r"2x", 'x**2', '2*x', None),
    (r"x^2-2x+1", r"x^2+2x+1", 'x**2-2*x+1', 'x**2+2*x+1', None),
    (r"b", r"a+b", 'b', 'a+b', None),
    # --- rational-expression
    (r"\frac{1}{x}+\frac{1}{y}", r"\frac{x+y}{xy}", '1/x+1/y', '(x+y)/(x*y)', None),
    (r"\frac{2x}{4}", r"\frac{x}{2}", '2*x/4', 'x/2', None),
    (r"\frac{x}{2}+\frac{x}{3}", r"\frac{5x}{6}", 'x/2+x/3', '5*x/6', None),
    (r"\frac{1}{x-1}-\frac{1}{x+1}", r"\frac{2}{x^2-1}", '1/(x-1)-1/(x+1)', '2/(x**2-1)', None),
    (r"\frac{x+1}{x}", r"1+\frac1x", '(x+1)/x', '1+1/x', None),
    (r"2\frac{x}{3}", r"\frac{2x}{3}", '2*x/3', '2*x/3', None),
    (r"\frac{x}{7}", r"x/7", 'x/7', 'x/7', None),
    (r"\dfrac{a}{b}", r"\frac{a}{b}", 'a/b', 'a/b', None),
    (r"\frac{2x+2}{2}", r"x+1", '(2*x+2)/2', 'x+1', None),
    (r"\frac{1}{x^{2}}", r"x^{-2}", '1/x**2', 'x**(-2)', None),
    (r"\frac{1}{2x}", r"\frac{1}{2}x", '1/(2*x)', 'x/2', None),
    (r"\frac{a}{b}", r"\frac{b}{a}", 'a/b', 'b/a', None),
    (r"\frac{x+1}{x-1}", r"\frac{x-1}{x+1}", '(x+1)/(x-1)', '(x-1)/(x+1)', None),
    (r"\frac{x}{y}", r"xy", 'x/y', 'x*y', None),
    (r"\frac{1}{x+1}", r"\frac1x+1", '1/(x+1)', '1/x+1', None),
    (r"\frac{x+2}{2}", r"x+1", '(x+2)/2', 'x+1', None),
    (r"\frac{3}{x}", r"\frac{3}{y}", '3/x', '3/y', None),
    (r"\frac{x}{7}", r"\frac{7}{x}", 'x/7', '7/x', None),
    # --- equation
    (r"y=2x+1", r"2x-y+1=0", 'Eqn(y,2*x+1)', 'Eqn(2*x-y+1,0)', None),
    (r"2x+4y=6", r"x+2y=3", 'Eqn(2*x+4*y,6)', 'Eqn(x+2*y,3)', None),
    (r"x+y=1", r"y=1-x", 'Eqn(x+y,1)', 'Eqn(y,1-x)', None),
    (r"x^2+y^2=4", r"y^2+x^2=4", 'Eqn(x**2+y**2,4)', 'Eqn(y**2+x**2,4)', None),
    (r"y=\frac{1}{2}x+3", r"x-2y+6=0", 'Eqn(y,x/2+3)', 'Eqn(x-2*y+6,0)', None),
    (r"y-3=2(x-1)", r"y=2x+1", 'Eqn(y-3,2*(x-1))', 'Eqn(y,2*x+1)', None),
    (r"\frac{x^2}{4}+\frac{y^2}{9}=1", r"9x^2+4y^2=36", 'Eqn(x**2/4+y**2/9,1)', 'Eqn(9*x**2+4*y**2,36)', None),
    (r"x-y=1", r"y-x=-1", 'Eqn(x-y,1)', 'Eqn(y-x,-1)', None),
    (r"x^2+y^2-4=0", r"x^2+y^2=4", 'Eqn(x**2+y**2-4,0)', 'Eqn(x**2+y**2,4)', None),
    (r"y = -\frac{3}{4}x + 2", r"3x+4y=8", 'Eqn(y,-R(3,4)*x+2)', 'Eqn(3*x+4*y,8)', None),
    (r"y=2x+1", r"y=-2x+1", 'Eqn(y,2*x+1)', 'Eqn(y,-2*x+1)', None),
    (r"x+2y=3", r"2x+y=3", 'Eqn(x+2*y,3)', 'Eqn(2*x+y,3)', None),
    (r"2x+1=0", r"y=2x+1", 'Eqn(2*x+1,0)', 'Eqn(y,2*x+1)', None),
    (r"x^2+y^2=4", r"x^2+y^2=2", 'Eqn(x**2+y**2,4)', 'Eqn(x**2+y**2,2)', None),
    (r"y=x^2", r"x=y^2", 'Eqn(y,x**2)', 'Eqn(x,y**2)', None),
    (r"x=2", r"x^2=4", 'Eqn(x,2)', 'Eqn(x**2,4)', None),
    (r"y=2x+1", r"y=2(x+1)", 'Eqn(y,2*x+1)', 'Eqn(y,2*(x+1))', None),
    (r"x+2y=6", r"2x+4y=6", 'Eqn(x+2*y,6)', 'Eqn(2*x+4*y,6)', None),
    (r"x+y=5", r"x+y=-5", 'Eqn(x+y,5)', 'Eqn(x+y,-5)', None),
    (r"2x-y-1=0", r"y=2x+1", 'Eqn(2*x-y-1,0)', 'Eqn(y,2*x+1)', None),
    # --- tuple
    (r"(2,5)", r"(2, 5)", 'Tup(2,5)', 'Tup(2,5)', None),
    (r"\left(2,5\right)", r"(2,5)", 'Tup(2,5)', 'Tup(2,5)', None),
    (r"(\frac12, 3)", r"(0.5,3)", 'Tup(R(1,2),3)', "Tup(D('0.5'),3)", None),
    (r"(1,-2,3)", r"\left( 1, -2, 3 \right)", 'Tup(1,-2,3)', 'Tup(1,-2,3)', None),
    (r"(\sqrt{4}, 2^3)", r"(2,8)", 'Tup(sqrt(4),Integer(2)**3)', 'Tup(2,8)', None),
    (r"(x,y)=(1,2)", r"(1,2)", 'Tup(1,2)', 'Tup(1,2)', None),
    (r"(-1, \frac{3}{2})", r"(-1,1.5)", 'Tup(-1,R(3,2))', "Tup(-1,D('1.5'))", None),
    (r"(3,4)", r"\left(3,\,4\right)", 'Tup(3,4)', 'Tup(3,4)', None),
    (r"(\frac{\sqrt{2}}{2}, \frac{1}{\sqrt{2}})", r"(\frac{1}{\sqrt2},\frac{\sqrt2}{2})", 'Tup(sqrt(2)/2,1/sqrt(2))', 'Tup(1/sqrt(2),sqrt(2)/2)', None),
    (r"(2,5)", r"[2,5]", 'Tup(2,5)', "iv(2,5,'[',']')", None),
    (r"(2,5)", r"(5,2)", 'Tup(2,5)', 'Tup(5,2)', None),
    (r"(1,2,3)", r"(1,2)", 'Tup(1,2,3)', 'Tup(1,2)', None),
    (r"(1,2)", r"(1,2,0)", 'Tup(1,2)', 'Tup(1,2,0)', None),
    (r"(2,5)", r"\{2,5\}", 'Tup(2,5)', 'Sol(2,5)', None),
    (r"(1,2)", r"(1,-2)", 'Tup(1,2)', 'Tup(1,-2)', None),
    (r"(0.5, 3)", r"(0.49,3)", "Tup(D('0.5'),3)", "Tup(D('0.49'),3)", None),
    (r"(x,y)=(1,2)", r"(2,1)", 'Tup(1,2)', 'Tup(2,1)', None),
    # --- interval
    (r"(-\infty,2)\cup(3,\infty)", r"(3,\infty)\cup(-\infty,2)", "Union(iv(-oo,2,'(',')'),iv(3,oo,'(',')'))", "Union(iv(3,oo,'(',')'),iv(-oo,2,'(',')'))", None),
    (r"[2,5)", r"\left[2,5\right)", "iv(2,5,'[',')')", "iv(2,5,'[',')')", None),
    (r"(-\infty, 2]", r"(-\infty,2]", "iv(-oo,2,'(',']')", "iv(-oo,2,'(',']')", None),
    (r"(-\infty,\infty)", r"\mathbb{R}", "iv(-oo,oo,'(',')')", 'S.Reals', None),
    (r"[0,1]\cup[1,2]", r"[0,2]", "Union(iv(0,1,'[',']'),iv(1,2,'[',']'))", "iv(0,2,'[',']')", None),
    (r"(0,\infty)", r"(0, +\infty)", "iv(0,oo,'(',')')", "iv(0,oo,'(',')')", None),
    (r"(-\infty, -1) \cup (-1, \infty)", r"\mathbb{R}\setminus\{-1\}", "Union(iv(-oo,-1,'(',')'),iv(-1,oo,'(',')'))", 'Complement(S.Reals,FiniteSet(-1))', None),
    (r"[\frac12, 3]", r"[0.5,3]", "iv(R(1,2),3,'[',']')", "iv(D('0.5'),3,'[',']')", None),
    (r"(-\infty,2)\cup[2,5)", r"(-\infty,5)", "Union(iv(-oo,2,'(',')'),iv(2,5,'[',')'))", "iv(-oo,5,'(',')')", None),
    (r"[1,2)\cup[2,3]", r"[1,3]", "Union(iv(1,2,'[',')'),iv(2,3,'[',']'))", "iv(1,3,'[',']')", None),
    (r"[2,5]", r"(2,5)", "iv(2,5,'[',']')", "iv(2,5,'(',')')", None),
    (r"[2,5)", r"(2,5]", "iv(2,5,'[',')')", "iv(2,5,'(',']')", None),
    (r"[2,5)", r"[2,5]", "iv(2,5,'[',')')", "iv(2,5,'[',']')", None),
    (r"(-\infty,2)", r"(-\infty,2]", "iv(-oo,2,'(',')')", "iv(-oo,2,'(',']')", None),
    (r"(-\infty,2)\cup(3,\infty)", r"(2,3)", "Union(iv(-oo,2,'(',')'),iv(3,oo,'(',')'))", "iv(2,3,'(',')')", None),
    (r"(0,1)\cup(1,2)", r"(0,2)", "Union(iv(0,1,'(',')'),iv(1,2,'(',')'))", "iv(0,2,'(',')')", None),
    (r"[0,1]", r"[0,1]\cup\{2\}", "iv(0,1,'[',']')", "Union(iv(0,1,'[',']'),FiniteSet(2))", None),
    (r"(-\infty,\infty)", r"(0,\infty)", "iv(-oo,oo,'(',')')", "iv(0,oo,'(',')')", None),
    (r"(3,\infty)", r"[3,\infty)", "iv(3,oo,'(',')')", "iv(3,oo,'[',')')", None),
    (r"(-\infty,2]\cup[3,\infty)", r"(-\infty,2)\cup(3,\infty)", "Union(iv(-oo,2,'(',']'),iv(3,oo,'[',')'))", "Union(iv(-oo,2,'(',')'),iv(3,oo,'(',')'))", None),
    # --- inequality
    (r"x>2", r"(2,\infty)", 'ineq(X>2)', "iv(2,oo,'(',')')", None),
    (r"x \geq 3", r"[3,\infty)", 'ineq(X>=3)', "iv(3,oo,'[',')')", None),
    (r"-1<x<3", r"(-1,3)", 'Intersection(ineq(X>-1),ineq(X<3))', "iv(-1,3,'(',')')", None),
    (r"-1 < x \le 3", r"(-1,3]", 'Intersection(ineq(X>-1),ineq(X<=3))', "iv(-1,3,'(',']')", None),
    (r"x<0 \text{ or } x>1", r"(-\infty,0)\cup(1,\infty)", 'ineq(X<0,X>1)', "Union(iv(-oo,0,'(',')'),iv(1,oo,'(',')'))", None),
    (r"2<x", r"x>2", 'ineq(X>2)', 'ineq(X>2)', None),
    (r"x \leq -1", r"(-\infty,-1]", 'ineq(X<=-1)', "iv(-oo,-1,'(',']')", None),
    (r"x\neq 1", r"(-\infty,1)\cup(1,\infty)", 'ineq(Ne(X,1))', "Union(iv(-oo,1,'(',')'),iv(1,oo,'(',')'))", None),
    (r"3 > x", r"(-\infty, 3)", 'ineq(X<3)', "iv(-oo,3,'(',')')", None),
    (r"x \geqslant 3", r"x\ge3", 'ineq(X>=3)', 'ineq(X>=3)', None),
    (r"-x>2", r"x<-2", 'ineq(-X>2)', 'ineq(X<-2)', None),
    (r"x>2", r"[2,\infty)", 'ineq(X>2)', "iv(2,oo,'[',')')", None),
    (r"x\ge2", r"(2,\infty)", 'ineq(X>=2)', "iv(2,oo,'(',')')", None),
    (r"x<2", r"(2,\infty)", 'ineq(X<2)', "iv(2,oo,'(',')')", None),
    (r"x>2", r"x<2", 'ineq(X>2)', 'ineq(X<2)', None),
    (r"-1<x<3", r"[-1,3]", 'Intersection(ineq(X>-1),ineq(X<3))', "iv(-1,3,'[',']')", None),
    (r"x>2", r"2", 'ineq(X>2)', '2', None),
    (r"x \le 3", r"x \geq 3", 'ineq(X<=3)', 'ineq(X>=3)', None),
    (r"2 > x", r"x>2", 'ineq(X<2)', 'ineq(X>2)', None),
    (r"x>-2", r"(2,\infty)", 'ineq(X>-2)', "iv(2,oo,'(',')')", None),
    # --- set-list
    (r"\{1,2,3\}", r"\{3,2,1\}", 'Sol(1,2,3)', 'Sol(3,2,1)', None),
    (r"-2, 3", r"3, -2", 'Sol(-2,3)', 'Sol(3,-2)', None),
    (r"x=2 \text{ or } x=3", r"2,3", 'Sol(2,3)', 'Sol(2,3)', None),
    (r"x=2, x=3", r"3, 2", 'Sol(2,3)', 'Sol(3,2)', None),
    (r"\{2,3\}", r"2,3", 'Sol(2,3)', 'Sol(2,3)', None),
    (r"2 \text{ and } 3", r"2,3", 'Sol(2,3)', 'Sol(2,3)', None),
    (r"\{1,2,2\}", r"\{1,2\}", 'Sol(1,2,2)', 'Sol(1,2)', None),
    (r"\{\frac12, 2\}", r"\{2, 0.5\}", 'Sol(R(1,2),2)', "Sol(2,D('0.5'))", None),
    (r"x \in \{1,2\}", r"\{1,2\}", 'Sol(1,2)', 'Sol(1,2)', None),
    (r"\{\sqrt{8}, 1\}", r"1, 2\sqrt2", 'Sol(sqrt(8),1)', 'Sol(1,2*sqrt(2))', None),
    (r"\{1,2,3\}", r"\{1,2\}", 'Sol(1,2,3)', 'Sol(1,2)', None),
    (r"2,3", r"2", 'Sol(2,3)', '2', None),
    (r"2,3", r"2,3,4", 'Sol(2,3)', 'Sol(2,3,4)', None),
    (r"\{2,3\}", r"\{2,-3\}", 'Sol(2,3)', 'Sol(2,-3)', None),
    (r"2 \text{ and } 3", r"5", 'Sol(2,3)', '5', None),
    (r"-2,3", r"2,-3", 'Sol(-2,3)', 'Sol(2,-3)', None),
    (r"\{1,2\}", r"[1,2]", 'Sol(1,2)', "iv(1,2,'[',']')", None),
    # --- pm
    (r"1\pm\sqrt2", r"1+\sqrt2,1-\sqrt2", 'Sol(1+sqrt(2),1-sqrt(2))', 'Sol(1+sqrt(2),1-sqrt(2))', None),
    (r"\pm 2", r"2,-2", 'Sol(2,-2)', 'Sol(2,-2)', None),
    (r"\pm2", r"-2, 2", 'Sol(2,-2)', 'Sol(-2,2)', None),
    (r"x=\pm3", r"3,-3", 'Sol(3,-3)', 'Sol(3,-3)', None),
    (r"\frac{-1\pm\sqrt5}{2}", r"\frac{-1+\sqrt5}{2}, \frac{-1-\sqrt5}{2}", 'Sol((-1+sqrt(5))/2,(-1-sqrt(5))/2)', 'Sol((-1+sqrt(5))/2,(-1-sqrt(5))/2)', None),
    (r"2\pm i", r"2+i, 2-i", 'Sol(2+I,2-I)', 'Sol(2+I,2-I)', None),
    (r"\pm\frac12", r"\frac12,-\frac12", 'Sol(R(1,2),-R(1,2))', 'Sol(R(1,2),-R(1,2))', None),
    (r"-1\pm\sqrt{3}", r"-1-\sqrt3, -1+\sqrt3", 'Sol(-1+sqrt(3),-1-sqrt(3))', 'Sol(-1-sqrt(3),-1+sqrt(3))', None),
    (r"\{1+\sqrt2, 1-\sqrt2\}", r"1\pm\sqrt2", 'Sol(1+sqrt(2),1-sqrt(2))', 'Sol(1+sqrt(2),1-sqrt(2))', None),
    (r"1\mp\sqrt2", r"1\pm\sqrt2", 'Sol(1-sqrt(2),1+sqrt(2))', 'Sol(1+sqrt(2),1-sqrt(2))', None),
    (r"1\pm 2", r"3,-1", 'Sol(1+2,1-2)', 'Sol(3,-1)', None),
    (r"1\pm\sqrt2", r"1+\sqrt2", 'Sol(1+sqrt(2),1-sqrt(2))', '1+sqrt(2)', None),
    (r"\pm2", r"2", 'Sol(2,-2)', '2', None),
    (r"1\pm\sqrt2", r"1+\sqrt2, 1-\sqrt3", 'Sol(1+sqrt(2),1-sqrt(2))', 'Sol(1+sqrt(2),1-sqrt(3))', None),
    (r"\pm 2", r"\pm 4", 'Sol(2,-2)', 'Sol(4,-4)', None),
    (r"2\pm i", r"2+i", 'Sol(2+I,2-I)', '2+I', None),
    (r"-1\pm\sqrt{3}", r"-1+\sqrt{3}", 'Sol(-1+sqrt(3),-1-sqrt(3))', '-1+sqrt(3)', None),
    (r"\pm\sqrt2", r"\sqrt2", 'Sol(sqrt(2),-sqrt(2))', 'sqrt(2)', None),
    (r"1\pm\sqrt2", r"-1\pm\sqrt2", 'Sol(1+sqrt(2),1-sqrt(2))', 'Sol(-1+sqrt(2),-1-sqrt(2))', None),
    # --- matrix
    (r"\begin{pmatrix}1\\2\end{pmatrix}", r"\begin{bmatrix}1\\2\end{bmatrix}", 'Mat([[1],[2]])', 'Mat([[1],[2]])', None),
    (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\begin{bmatrix}1 & 2 \\ 3 & 4\end{bmatrix}", 'Mat([[1,2],[3,4]])', 'Mat([[1,2],[3,4]])', None),
    (r"\begin{pmatrix}\frac12\\ 0.5\end{pmatrix}", r"\begin{pmatrix}0.5\\\frac{1}{2}\end{pmatrix}", "Mat([[R(1,2)],[D('0.5')]])", "Mat([[D('0.5')],[R(1,2)]])", None),
    (r"\begin{pmatrix} 2 \\ -1 \end{pmatrix}", r"\left(\begin{array}{c}2\\-1\end{array}\right)", 'Mat([[2],[-1]])', 'Mat([[2],[-1]])', None),
    (r"\begin{pmatrix}\sqrt4 & 0\\0&1\end{pmatrix}", r"\begin{pmatrix}2&0\\0&1\end{pmatrix}", 'Mat([[sqrt(4),0],[0,1]])', 'Mat([[2,0],[0,1]])', None),
    (r"2\begin{pmatrix}1\\2\end{pmatrix}", r"\begin{pmatrix}2\\4\end{pmatrix}", 'Mat(2*Mat([[1],[2]]).m)', 'Mat([[2],[4]])', None),
    (r"\begin{pmatrix} -\frac{1}{3} \\ \frac{2}{3} \end{pmatrix}", r"\begin{pmatrix}-1/3\\2/3\end{pmatrix}", 'Mat([[-R(1,3)],[R(2,3)]])', 'Mat([[-R(1,3)],[R(2,3)]])', None),
    (r"\begin{pmatrix}1&0\\0&1\end{pmatrix}", r"\begin{pmatrix}1 & 0 \\ 0 & 1\end{pmatrix}", 'Mat([[1,0],[0,1]])', 'Mat([[1,0],[0,1]])', None),
    (r"\begin{pmatrix}1\\2\end{pmatrix}", r"\begin{pmatrix}2\\1\end{pmatrix}", 'Mat([[1],[2]])', 'Mat([[2],[1]])', None),
    (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\begin{pmatrix}1&3\\2&4\end{pmatrix}", 'Mat([[1,2],[3,4]])', 'Mat([[1,3],[2,4]])', None),
    (r"\begin{pmatrix}1\\2\end{pmatrix}", r"\begin{pmatrix}1&2\end{pmatrix}", 'Mat([[1],[2]])', 'Mat([[1,2]])', None),
    (r"\begin{pmatrix}0.333\\1\end{pmatrix}", r"\begin{pmatrix}\frac13\\1\end{pmatrix}", "Mat([[D('0.333')],[1]])", 'Mat([[R(1,3)],[1]])', None),
    (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\begin{pmatrix}1&2\\3&5\end{pmatrix}", 'Mat([[1,2],[3,4]])', 'Mat([[1,2],[3,5]])', None),
    (r"\begin{pmatrix}1\\2\\3\end{pmatrix}", r"\begin{pmatrix}1\\2\end{pmatrix}", 'Mat([[1],[2],[3]])', 'Mat([[1],[2]])', None),
    (r"\begin{pmatrix}1.0001\\2\end{pmatrix}", r"\begin{pmatrix}1\\2\end{pmatrix}", "Mat([[D('1.0001')],[2]])", 'Mat([[1],[2]])', None),
    (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\begin{pmatrix}1&2&3&4\end{pmatrix}", 'Mat([[1,2],[3,4]])', 'Mat([[1,2,3,4]])', None),
    # --- base-n
    (r"1011_2", r"1011_{2}", "Base('1011',2)", "Base('1011',2)", None),
    (r"(1011)_2", r"1011_2", "Base('1011',2)", "Base('1011',2)", None),
    (r"21_3", r"21_{3}", "Base('21',3)", "Base('21',3)", None),
    (r"1011_{\text{two}}", r"1011_2", "Base('1011',2)", "Base('1011',2)", None),
    (r"36_{8}", r"36_8", "Base('36',8)", "Base('36',8)", None),
    (r"\text{B}7_{16}", r"B7_{16}", "Base('B7',16)", "Base('B7',16)", None),
    (r"4321_{5}", r"4321_5", "Base('4321',5)", "Base('4321',5)", None),
    (r"1011_2", r"1101_2", "Base('1011',2)", "Base('1101',2)", None),
    (r"1011_2", r"1011_3", "Base('1011',2)", "Base('1011',3)", None),
    (r"101_2", r"1011_2", "Base('101',2)", "Base('1011',2)", None),
    (r"12_3", r"12_4", "Base('12',3)", "Base('12',4)", None),
    (r"A3_{16}", r"3A_{16}", "Base('A3',16)", "Base('3A',16)", None),
    (r"10112", r"1011_2", '10112', "Base('1011',2)", None),
    (r"213", r"21_3", '213', "Base('21',3)", None),
    (r"1011_2", r"1011_{10}", "Base('1011',2)", "Base('1011',10)", None),
    # --- multiple-choice
    (r"\text{(B)}", r"b", "Choice('B')", "Choice('B')", None),
    (r"(B)", r"B", "Choice('B')", "Choice('B')", None),
    (r"b", r"\text{(B)}", "Choice('B')", "Choice('B')", None),
    (r"\textbf{(B)}", r"B", "Choice('B')", "Choice('B')", None),
    (r"(c)", r"C", "Choice('C')", "Choice('C')", None),
    (r"\mathrm{(C)}", r"C", "Choice('C')", "Choice('C')", None),
    (r"\text{B}", r"(B)", "Choice('B')", "Choice('B')", None),
    (r"D.", r"D", "Choice('D')", "Choice('D')", None),
    (r"a", r"\text{(A)}", "Choice('A')", "Choice('A')", None),
    (r"\textbf{(E) }", r"E", "Choice('E')", "Choice('E')", None),
    (r"(A) or (C)", r"A", "Choice('A','C')", "Choice('A')", None),
    (r"\text{(A) or (C)}", r"C", "Choice('A','C')", "Choice('C')", None),
    (r"(A)", r"(C)", "Choice('A')", "Choice('C')", None),
    (r"A, C", r"A", "Choice('A','C')", "Choice('A')", None),
    (r"A \text{ and } B", r"A", "Choice('A','B')", "Choice('A')", None),
    (r"AC", r"A", "Choice('A','C')", "Choice('A')", None),
    (r"(D)", r"(B)", "Choice('D')", "Choice('B')", None),
    (r"\text{(E)}", r"\text{(B)}", "Choice('E')", "Choice('B')", None),
    # --- empty-set
    (r"\varnothing", r"\emptyset", 'S.EmptySet', 'S.EmptySet', None),
    (r"\{\}", r"\emptyset", 'S.EmptySet', 'S.EmptySet', None),
    (r"\{ \}", r"\varnothing", 'S.EmptySet', 'S.EmptySet', None),
    (r"\left\{\right\}", r"\emptyset", 'S.EmptySet', 'S.EmptySet', None),
    (r"\emptyset", r"\varnothing", 'S.EmptySet', 'S.EmptySet', None),
    (r"(-\infty,2)\cap(3,\infty)", r"\emptyset", "Intersection(iv(-oo,2,'(',')'),iv(3,oo,'(',')'))", 'S.EmptySet', None),
    (r"\varnothing.", r"\emptyset", 'S.EmptySet', 'S.EmptySet', None),
    (r"\emptyset", r"\{\emptyset\}", 'S.EmptySet', 'FiniteSet(S.EmptySet)', None),
    (r"\emptyset", r"0", 'S.EmptySet', '0', None),
    (r"\emptyset", r"\{0\}", 'S.EmptySet', 'FiniteSet(0)', None),
    (r"\varnothing", r"\mathbb{R}", 'S.EmptySet', 'S.Reals', None),
    (r"\emptyset", r"\{1\}", 'S.EmptySet', 'FiniteSet(1)', None),
    (r"\{\varnothing\}", r"\varnothing", 'FiniteSet(S.EmptySet)', 'S.EmptySet', None),
    (r"\emptyset", r"\infty", 'S.EmptySet', 'oo', None),
    # --- unicode
    (r"−5", r"-5", '-5', '-5', None),
    (r"½", r"\frac12", 'R(1,2)', 'R(1,2)', None),
    (r"√2", r"\sqrt{2}", 'sqrt(2)', 'sqrt(2)', None),
    (r"π", r"\pi", 'pi', 'pi', None),
    (r"2π", r"2\pi", '2*pi', '2*pi', None),
    (r"x²+1", r"x^2+1", 'x**2+1', 'x**2+1', None),
    (r"(2, ∞)", r"(2,\infty)", "iv(2,oo,'(',')')", "iv(2,oo,'(',')')", None),
    (r"x ≤ 3", r"x\le3", 'ineq(X<=3)', 'ineq(X<=3)', None),
    (r"3×4", r"12", '3*4', '12', None),
    (r"1±√2", r"1\pm\sqrt2", 'Sol(1+sqrt(2),1-sqrt(2))', 'Sol(1+sqrt(2),1-sqrt(2))', None),
    (r"1½", r"\frac32", '1+R(1,2)', 'R(3,2)', None),
    (r"−\frac{1}{2}", r"-0.5", '-R(1,2)', "D('-0.5')", None),
    (r"∅", r"\emptyset", 'S.EmptySet', 'S.EmptySet', None),
    (r"−5", r"5", '-5', '5', None),
    (r"√3", r"\sqrt2", 'sqrt(3)', 'sqrt(2)', None),
    (r"π", r"3.14", 'pi', "D('3.14')", None),
    (r"x²", r"x2", 'x**2', '2*x', None),
    (r"x ≥ 3", r"x\le3", 'ineq(X>=3)', 'ineq(X<=3)', None),
    (r"2×3", r"23", '2*3', '23', None),
    (r"√2", r"2", 'sqrt(2)', '2', None),
    (r"x³", r"x^2", 'x**3', 'x**2', None),
    (r"−½", r"\frac12", '-R(1,2)', 'R(1,2)', None),
    # --- extraction
    (r"First, $3 \times 4 = 12$, so a first guess is $\boxed{3}$. But that ignores the second condition. Dividing, $\frac{12}{24} = \frac{1}{2}$, so the answer is $\boxed{\frac{1}{2}}$.", r"\frac12", 'R(1,2)', 'R(1,2)', r"\frac{1}{2}"),
    (r"First, $3 \times 4 = 12$, so a first guess is $\boxed{3}$. But that ignores the second condition. Dividing, $\frac{12}{24} = \frac{1}{2}$, so the answer is $\boxed{\frac{1}{2}}$.", r"3", 'R(1,2)', '3', r"\frac{1}{2}"),
    (r"The roots satisfy $x^{2}-5x+6=0$, i.e. $(x-2)(x-3)=0$, so the roots are $2$ and $3$ and their sum is $\boxed{5}$.", r"5", '5', '5', r"5"),
    (r"The roots satisfy $x^{2}-5x+6=0$, i.e. $(x-2)(x-3)=0$, so the roots are $2$ and $3$ and their sum is $\boxed{5}$.", r"6", '5', '6', r"5"),
    (r"""The height of an equilateral triangle with side 1 is $\sqrt{1-\left(\frac{1}{2}\right)^{2}} = \frac{\sqrt{3}}{2}$.

Therefore the height is $\boxed{\frac{\sqrt{3}}{2}}$.""", r"\frac{1}{2}\sqrt3", 'sqrt(3)/2', 'R(1,2)*sqrt(3)', r"\frac{\sqrt{3}}{2}"),
    (r"Solving the system gives $x = \frac{1}{2}$ and $y = 3$, so the ordered pair is $\boxed{\left(\frac{1}{2}, 3\right)}$.", r"(0.5,3)", 'Tup(R(1,2),3)', "Tup(D('0.5'),3)", r"\left(\frac{1}{2}, 3\right)"),
    (r"Solving the system gives $x = \frac{1}{2}$ and $y = 3$, so the ordered pair is $\boxed{\left(\frac{1}{2}, 3\right)}$.", r"(3,0.5)", 'Tup(R(1,2),3)', "Tup(3,D('0.5'))", r"\left(\frac{1}{2}, 3\right)"),
    (r"""<code>
# Step 1: Compute the product
result = 7 * 6
<end_of_step>

# Now print the final answer
print(result)
<end_of_code>
<output>42<end_of_output>
<answer>From the result, we can see that the answer is \boxed{42}.<end_of_answer>""", r"42", '42', '42', r"42"),
    (r"Factoring, $(x+2)(x-3)=0$, so $x=-2$ or $x=3$. The solution set is $\boxed{\{-2, 3\}}$.", r"3,-2", 'Sol(-2,3)', 'Sol(3,-2)', r"\{-2, 3\}"),
    (r"The square has side $5\text{ cm}$, so its area is $\boxed{25\text{ cm}^2}$.", r"25", '25', '25', r"25\text{ cm}^2"),
    (r"I think it's $\boxed{7}$. Let me double-check: the problem asks for $2^3+1$, not $2^3-1$, so the answer is $\boxed{9}$.", r"9", '9', '9', r"9"),
    (r"I think it's $\boxed{7}$. Let me double-check: the problem asks for $2^3+1$, not $2^3-1$, so the answer is $\boxed{9}$.", r"7", '9', '7', r"9"),
    (r"The vector is $\boxed{\begin{pmatrix} 1 \\ -2 \end{pmatrix}}$.", r"\begin{bmatrix}1\\-2\end{bmatrix}", 'Mat([[1],[-2]])', 'Mat([[1],[-2]])', r"\begin{pmatrix} 1 \\ -2 \end{pmatrix}"),
    (r"Collecting terms, the polynomial is $\boxed{x^{2}+1}$.", r"x^2+1", 'x**2+1', 'x**2+1', r"x^{2}+1"),
    (r"Collecting terms, the polynomial is $\boxed{x^{2}+1}$.", r"x^2", 'x**2+1', 'x**2', r"x^{2}+1"),
    (r"This matches answer choice $\boxed{\textbf{(C)}}$.", r"C", "Choice('C')", "Choice('C')", r"\textbf{(C)}"),
    (r"Thus $\boxed{\dfrac{2^{10}}{4}} = 256$.", r"256", 'Integer(2)**10/4', '256', r"\dfrac{2^{10}}{4}"),
    (r"The answer is $\boxed{\frac{1}{2}}$. Hmm, actually I made an arithmetic error; the correct value is $\boxed{\frac{1}{3}}$.", r"\frac12", 'R(1,3)', 'R(1,2)', r"\frac{1}{3}"),
    (r"So the total is \boxed {12}.", r"12", '12', '12', r"12"),
    (r"Each element is either in or out, so there are $\boxed{2^{10}}$ subsets.", r"2048", 'Integer(2)**10', '2048', r"2^{10}"),
    # --- malformed
    (r"\boxed{}", r"0", 'NOANS', '0', None),
    ('', r"5", 'NOANS', '5', None),
    (r"\boxed{\frac{1}{2}", r"\frac{1}{2}", 'NOANS', 'R(1,2)', None),
    (r"The answer is \boxed{5", r"5", 'NOANS', '5', None),
    (r"\frac{1}{", r"\frac12", 'NOANS', 'R(1,2)', None),
    (r"}{", r"1", 'NOANS', '1', None),
    (r"\sqrt{", r"\sqrt{2}", 'NOANS', 'sqrt(2)', None),
    (r"\frac{1}{2}}", r"\frac12", 'NOANS', 'R(1,2)', None),
    (r"\text{I don't know}", r"5", 'NOANS', '5', None),
    (r"\boxed{\boxed{}}", r"0", 'NOANS', '0', None),
    (r"\frac{1}{0}", r"\infty", 'NOANS', 'oo', None),
    (r"((2,5)", r"(2,5)", 'NOANS', 'Tup(2,5)', None),
    (r"=", r"0", 'NOANS', '0', None),
    (r"\frac{0}{0}", r"0", 'NOANS', '0', None),
    (r"NaN", r"0", 'NOANS', '0', None),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "labelled-pairs.jsonl")
    problems = []
    rows = []
    with open(path, encoding="utf-8") as fh:
        for ln, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"line {ln}: invalid JSON ({e})")
                continue
            if set(row) != {"pred", "ref", "equal", "category", "why"}:
                problems.append(f"line {ln}: fields {sorted(row)}")
            if not isinstance(row.get("equal"), bool):
                problems.append(f"line {ln}: 'equal' is not a boolean")
            if row.get("category") not in CATEGORIES:
                problems.append(f"line {ln}: unknown category {row.get('category')!r}")
            if not isinstance(row.get("why"), str) or not row["why"].strip():
                problems.append(f"line {ln}: empty 'why'")
            rows.append((ln, row))

    seen = {}
    for ln, row in rows:
        key = (row.get("pred"), row.get("ref"))
        if key in seen:
            problems.append(f"line {ln}: duplicate pair (also line {seen[key]})")
        seen[key] = ln

    counts = Counter(row["category"] for _, row in rows)
    trues = Counter(row["category"] for _, row in rows if row.get("equal") is True)
    for cat in CATEGORIES:
        if counts[cat] < 10:
            problems.append(f"category {cat}: only {counts[cat]} rows")

    readings = {}
    for entry in CHECKS:
        pred, ref = entry[0], entry[1]
        if (pred, ref) in readings:
            problems.append(f"reading given twice for {pred!r} vs {ref!r}")
        readings[(pred, ref)] = entry
    for key in readings:
        if key not in seen:
            problems.append(f"reading without a row: {key[0]!r} vs {key[1]!r}")

    checked = 0
    for ln, row in rows:
        key = (row.get("pred"), row.get("ref"))
        entry = readings.get(key)
        if entry is None:
            problems.append(f"line {ln}: no reading for {key[0]!r} vs {key[1]!r}")
            continue
        _, _, psrc, rsrc, boxed = entry
        if boxed is not None:
            got = last_boxed(row["pred"])
            if got != boxed:
                problems.append(f"line {ln}: last \\boxed is {got!r}, reading expects {boxed!r}")
        try:
            verdict = equal(value(psrc), value(rsrc))
        except Exception as e:  # noqa: BLE001
            problems.append(f"line {ln}: could not evaluate ({type(e).__name__}: {e})")
            continue
        checked += 1
        if verdict != row["equal"]:
            problems.append(
                f"line {ln} [{row['category']}]: label {row['equal']} but the mathematics says "
                f"{verdict}: {row['pred']!r} vs {row['ref']!r} (read as {psrc} vs {rsrc})")

    width = max(len(cat) for cat in CATEGORIES)
    for cat in CATEGORIES:
        print(f"{cat:<{width}}  {counts[cat]:3d} rows  {trues[cat]:3d} true  {counts[cat] - trues[cat]:3d} false")
    print(f"{'total':<{width}}  {len(rows):3d} rows; {checked} re-checked")
    for p in problems:
        print("PROBLEM:", p)
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print("all labels agree with the mathematics")
    return 0


if __name__ == "__main__":
    sys.exit(main())
