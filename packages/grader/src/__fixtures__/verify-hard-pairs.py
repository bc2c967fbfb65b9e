#!/usr/bin/env python3
"""Re-check the labels in hard-pairs.jsonl (a reviewer's tool, not part of the test suite).

hard-pairs.jsonl is the second, harder table of answer pairs for @rstar-fleet/grader: real
contest notation (MATH, AIME/AMC, olympiad and Gaokao style) with about half near misses.
For each row this script holds a *reading*: either a mathematical check of the two answers
as sympy values (numbers, sets of reals, solution lists, tuples, matrices, equations, or
expressions in variables), or None where the row is about how notation is read (a choice
letter, a clock time, words, the last box of a response) and the label rests on that
reading alone.  It decides every mathematical check itself and compares the verdict with
the row's label.  It also checks the table's shape: the five fields, known categories, no
duplicate pair, no pair shared with labelled-pairs.jsonl (in either order), and exactly
one reading per row.

Usage:  python3 verify-hard-pairs.py [path/to/hard-pairs.jsonl]
Needs sympy.  Exit status 0 when every label agrees, 1 otherwise.
"""
import json
import os
import random
import sys
from collections import Counter

try:
    import sympy as sp
except ImportError:  # pragma: no cover
    sys.exit("verify-hard-pairs.py needs sympy: pip install sympy")

CATEGORIES = ['abs-inequality', 'solution-set', 'solution-list', 'ordered-pair', 'matrix-vector', 'complex-form', 'trig-value', 'logarithm', 'infinity', 'big-integer', 'scientific', 'money', 'time-date', 'words', 'latex-format', 'degrees', 'equation-form', 'radical', 'choice-text', 'percent', 'expression', 'base-n', 'extraction', 'restated-value', 'tolerance-trap', 'general-solution', 'ratio']

# Inequalities are in the real variable x; expressions may use x, y, z, a, b, n.
x = sp.Symbol("x", real=True)
y, z, a, b, n = sp.symbols("y z a b n")
NAMES = {name: getattr(sp, name) for name in dir(sp) if not name.startswith("_")}
NAMES.update(x=x, xr=x, y=y, z=z, a=a, b=b, n=n)

# (pred, ref, reading). Readings:
#   ('num', A, B)  two numbers (complex allowed), equal when |A - B| < 1e-45 at 60 digits
#   ('set', A, B)  two subsets of the reals: sympy sets or relations in x
#   ('sol', A, B)  two unordered solution lists (duplicates collapse)
#   ('tup', A, B)  two ordered tuples
#   ('mat', A, B)  two matrices (shape and entries)
#   ('eqn', (L1, R1), (L2, R2))  two equations, equal when L1-R1 = c(L2-R2), c a nonzero constant
#   ('prog', [(a, b), ...], [(a, b), ...])  two unions of progressions a + b*k over the integers k
#   ('sym', A, B)  two expressions, equal when their difference simplifies to 0 and vanishes
#                  at random points (negative ones included, so |x| is not x)
#   None           a reading of notation only (see the row's "why")
READINGS = [
    # --- abs-inequality
    (r'|x|<3', r'(-3,3)', ('set', 'Abs(x)<3', 'Interval.open(-3,3)')),
    (r'|x| > 3', r'(-\infty,-3)\cup(3,\infty)', ('set', 'Abs(x)>3', 'Union(Interval.open(-oo,-3),Interval.open(3,oo))')),
    (r'|x|\ge 3', r'(-\infty,-3]\cup[3,\infty)', ('set', 'Abs(x)>=3', 'Union(Interval(-oo,-3),Interval(3,oo))')),
    (r'|x+1|\ge 3', r'(-\infty,-4]\cup[2,\infty)', ('set', 'Abs(x+1)>=3', 'Union(Interval(-oo,-4),Interval(2,oo))')),
    (r'|x|\ge 3', r'x^2\ge 9', ('set', 'Abs(x)>=3', 'x**2>=9')),
    (r'|x|\ge 3', r'[3,\infty)', ('set', 'Abs(x)>=3', 'Interval(3,oo)')),
    (r'|x+1|\ge 3', r'[2,\infty)', ('set', 'Abs(x+1)>=3', 'Interval(2,oo)')),
    (r'\left|2x-5\right| \le 7', r'[-1,6]', ('set', 'Abs(2*x-5)<=7', 'Interval(-1,6)')),
    (r'|2x-5|<7', r'[-1,6]', ('set', 'Abs(2*x-5)<7', 'Interval(-1,6)')),
    (r'|x-3|>2', r'x<1 \text{ or } x>5', ('set', 'Abs(x-3)>2', 'Union(Interval.open(-oo,1),Interval.open(5,oo))')),
    (r'|x-3| > 2', r'1<x<5', ('set', 'Abs(x-3)>2', 'Interval.open(1,5)')),
    (r'1 \le |x| < 4', r'(-4,-1]\cup[1,4)', ('set', '(Abs(x)>=1)&(Abs(x)<4)', 'Union(Interval.Lopen(-4,-1),Interval.Ropen(1,4))')),
    (r'|x| < 3', r'x<3', ('set', 'Abs(x)<3', 'Interval.open(-oo,3)')),
    (r'|x| < -2', r'\emptyset', ('set', 'Abs(x)<-2', 'EmptySet')),
    (r'\lvert x-1\rvert<2', r'-1<x<3', ('set', 'Abs(x-1)<2', 'Interval.open(-1,3)')),
    (r'x^2 < 4', r'|x|<2', ('set', 'x**2<4', 'Abs(x)<2')),
    (r'|x-2| \le |x+4|', r'[-1,\infty)', ('set', 'Abs(x-2)<=Abs(x+4)', 'Interval(-1,oo)')),
    (r'|2x-1| < x', r'\left(\frac{1}{3}, 1\right)', ('set', 'Abs(2*x-1)<x', 'Interval.open(Rational(1,3),1)')),
    (r'|x-1|<2', r'(-3,1)', ('set', 'Abs(x-1)<2', 'Interval.open(-3,1)')),
    (r'|x+2|\le 1', r'[-3,-1]', ('set', 'Abs(x+2)<=1', 'Interval(-3,-1)')),
    (r'|x+2|\le 1', r'[1,3]', ('set', 'Abs(x+2)<=1', 'Interval(1,3)')),
    (r'|3-x| > 1', r'(-\infty,2)\cup(4,\infty)', ('set', 'Abs(3-x)>1', 'Union(Interval.open(-oo,2),Interval.open(4,oo))')),
    (r'|x| \ge 2', r'x \ge 2', ('set', 'Abs(x)>=2', 'Interval(2,oo)')),
    (r'|x-1|\le 2', r'-1 < x < 3', ('set', 'Abs(x-1)<=2', 'Interval.open(-1,3)')),
    (r'1<|x|<3', r'(1,3)', ('set', '(Abs(x)>1)&(Abs(x)<3)', 'Interval.open(1,3)')),
    # --- solution-set
    (r'\{x \mid -1 < x \le 4\}', r'(-1,4]', ('set', '(x>-1)&(x<=4)', 'Interval.Lopen(-1,4)')),
    (r'\{x\,|\,x\ge 2\}', r'[2,+\infty)', ('set', 'x>=2', 'Interval(2,oo)')),
    (r'\{x \mid x > 2\}', r'[2,\infty)', ('set', 'x>2', 'Interval(2,oo)')),
    (r'x\in\left[-1,\tfrac{5}{2}\right)', r'-1 \le x < \frac52', ('set', 'Interval.Ropen(-1,Rational(5,2))', '(x>=-1)&(x<Rational(5,2))')),
    (r'\text{all real numbers}', r'(-\infty,\infty)', None),
    (r'\mathbb{R}', r'\text{All real numbers}', None),
    (r'(-\infty,\infty)', r'\mathbb{R}\setminus\{0\}', ('set', 'Interval(-oo,oo)', 'Complement(Reals,FiniteSet(0))')),
    (r'\{x\in\mathbb{R} : x\neq 2\}', r'(-\infty,2)\cup(2,\infty)', ('set', 'Complement(Reals,FiniteSet(2))', 'Union(Interval.open(-oo,2),Interval.open(2,oo))')),
    (r'(-\infty, 1] \cup [3, \infty)', r'x \le 1 \text{ or } x \ge 3', ('set', 'Union(Interval(-oo,1),Interval(3,oo))', '(x<=1)|(x>=3)')),
    (r'\left[ -\dfrac{1}{2}, 3 \right)', r'[-0.5,3)', ('set', 'Interval.Ropen(-Rational(1,2),3)', 'Interval.Ropen(-Rational(1,2),3)')),
    (r'(0, 1) \cup (1, \infty)', r'(0,\infty)', ('set', 'Union(Interval.open(0,1),Interval.open(1,oo))', 'Interval.open(0,oo)')),
    (r'x > \frac{3}{2}', r'\left(\frac32, +\infty\right)', ('set', 'x>Rational(3,2)', 'Interval.open(Rational(3,2),oo)')),
    (r'(-\infty, \sqrt{2}]', r'x \le \sqrt2', ('set', 'Interval(-oo,sqrt(2))', 'x<=sqrt(2)')),
    (r'(-\infty, \sqrt{2}]', r'x\le 1.414', ('set', 'Interval(-oo,sqrt(2))', 'x<=Rational(1414,1000)')),
    (r'[-\sqrt{3},\sqrt{3}]', r'x^2 \le 3', ('set', 'Interval(-sqrt(3),sqrt(3))', 'x**2<=3')),
    (r'(-\infty,-1)\cup(2,\infty)', r'x^2 - x - 2 > 0', ('set', 'Union(Interval.open(-oo,-1),Interval.open(2,oo))', 'x**2-x-2>0')),
    (r'(-1,2)', r'x^2-x-2>0', ('set', 'Interval.open(-1,2)', 'x**2-x-2>0')),
    (r'\dfrac{x-1}{x+2} \le 0', r'(-2,1]', ('set', '(x-1)/(x+2)<=0', 'Interval.Lopen(-2,1)')),
    (r'\frac{x-1}{x+2}\le 0', r'[-2,1]', ('set', '(x-1)/(x+2)<=0', 'Interval(-2,1)')),
    (r'x\in\mathbb{R}', r'(-\infty,+\infty)', None),
    (r'(-\infty,+\infty)', r'\text{all real numbers except } 0', None),
    (r'[2,5)', r'\{x \mid 2 < x \le 5\}', ('set', 'Interval.Ropen(2,5)', 'Interval.Lopen(2,5)')),
    (r'x^2 \ge 4', r'[2,\infty)', ('set', 'x**2>=4', 'Interval(2,oo)')),
    (r'\mathbb{R}', r'x\ne 0', ('set', 'Reals', 'Complement(Reals,FiniteSet(0))')),
    (r'x\neq\pm1', r'(-\infty,-1)\cup(-1,1)\cup(1,\infty)', ('set', 'Complement(Reals,FiniteSet(1,-1))', 'Union(Interval.open(-oo,-1),Interval.open(-1,1),Interval.open(1,oo))')),
    (r'x \neq \pm 1', r'\mathbb{R}', ('set', 'Complement(Reals,FiniteSet(1,-1))', 'Reals')),
    (r'x\in \mathbb{R}, x\neq 1', r'(-\infty,1)\cup(1,\infty)', ('set', 'Complement(Reals,FiniteSet(1))', 'Union(Interval.open(-oo,1),Interval.open(1,oo))')),
    (r'x > 0,\ x \neq 1', r'(0,1)\cup(1,\infty)', ('set', 'Complement(Interval.open(0,oo),FiniteSet(1))', 'Union(Interval.open(0,1),Interval.open(1,oo))')),
    (r'x > 0,\ x \neq 1', r'(0,\infty)', ('set', 'Complement(Interval.open(0,oo),FiniteSet(1))', 'Interval.open(0,oo)')),
    (r'(-\infty,\infty)', r'[0,\infty)', ('set', 'Reals', 'Interval(0,oo)')),
    (r'x \in [2,5]', r'(2,5)', ('set', 'Interval(2,5)', 'Interval.open(2,5)')),
    (r'\{x \mid x \ne 0\}', r'\mathbb{R}', ('set', 'Complement(Reals,FiniteSet(0))', 'Reals')),
    (r'\{x|x>2或x<-1\}', r'(-\infty,-1)\cup(2,+\infty)', ('set', '(x>2)|(x<-1)', 'Union(Interval.open(-oo,-1),Interval.open(2,oo))')),
    (r'\{x|x>2或x<-1\}', r'(-1,2)', ('set', '(x>2)|(x<-1)', 'Interval.open(-1,2)')),
    # --- solution-list
    (r'x = -3 \text{ and } x = 2', r'2, -3', ('sol', '[-3,2]', '[2,-3]')),
    (r'x=\frac{1}{2} \text{ or } x=-4', r'-4,\ \frac12', ('sol', '[Rational(1,2),-4]', '[-4,Rational(1,2)]')),
    (r'x = 2', r'x=2, x=-2', ('sol', '[2]', '[2,-2]')),
    (r'x_1 = 1,\ x_2 = 5', r'1, 5', ('sol', '[1,5]', '[1,5]')),
    (r'x_1=1,\ x_2=5', r'1,\ 6', ('sol', '[1,5]', '[1,6]')),
    (r'\{-1, 0, 1\}', r'\{-1, 1\}', ('sol', '[-1,0,1]', '[-1,1]')),
    (r'\dfrac{3\pm\sqrt{5}}{2}', r'\frac{3-\sqrt5}{2} \text{ and } \frac{3+\sqrt5}{2}', ('sol', '[(3+sqrt(5))/2,(3-sqrt(5))/2]', '[(3-sqrt(5))/2,(3+sqrt(5))/2]')),
    (r'\dfrac{3\pm\sqrt{5}}{2}', r'\frac{3+\sqrt5}{2}', ('sol', '[(3+sqrt(5))/2,(3-sqrt(5))/2]', '[(3+sqrt(5))/2]')),
    (r'x=1 \text{ or } x=-1', r'x=\pm1', ('sol', '[1,-1]', '[1,-1]')),
    (r'2 \text{ or } 3', r'\{2, 3\}', ('sol', '[2,3]', '[2,3]')),
    (r'(1, 2), (2, 1)', r'(2,1),(1,2)', None),
    (r'(1,2),(2,1)', r'(1,2)', None),
    (r'x=-1,\ x=\dfrac{1}{3}', r'\left\{-1, \frac{1}{3}\right\}', ('sol', '[-1,Rational(1,3)]', '[-1,Rational(1,3)]')),
    (r'x=-1,\ x=\dfrac{1}{3}', r'\left\{1, -\frac{1}{3}\right\}', ('sol', '[-1,Rational(1,3)]', '[1,-Rational(1,3)]')),
    (r'1+2i,\ 1-2i', r'1\pm 2i', ('sol', '[1+2*I,1-2*I]', '[1+2*I,1-2*I]')),
    (r'x=3', r'x=3 \text{ or } x=-\frac{1}{2}', ('sol', '[3]', '[3,-Rational(1,2)]')),
    (r'-\frac{1}{2},\ 3', r'\frac12, 3', ('sol', '[-Rational(1,2),3]', '[Rational(1,2),3]')),
    (r'\{2, 4, 6\}', r'\{2,4,8\}', ('sol', '[2,4,6]', '[2,4,8]')),
    (r'1, 2, 3', r'1,\ 2,\ 3,\ 4', ('sol', '[1,2,3]', '[1,2,3,4]')),
    # --- ordered-pair
    (r'\left( -\dfrac{1}{2}, \, 3 \right)', r'(-0.5,3)', ('tup', '[-Rational(1,2),3]', '[-Rational(1,2),3]')),
    (r'x = 4,\ y = -1', r'(4,-1)', ('tup', '[4,-1]', '[4,-1]')),
    (r'y=-1,\ x=4', r'(4,-1)', ('tup', '[4,-1]', '[4,-1]')),
    (r'(4,-1)', r'(-1,4)', ('tup', '[4,-1]', '[-1,4]')),
    (r'\left\langle 2,\ 3,\ -1 \right\rangle', r'(2,3,-1)', ('tup', '[2,3,-1]', '[2,3,-1]')),
    (r'(1, \sqrt{3})', r'\left(1,\ 1.732\right)', ('tup', '[1,sqrt(3)]', '[1,Rational(1732,1000)]')),
    (r'\left(\frac{\pi}{2}, 1\right)', r'(\tfrac12\pi, 1)', ('tup', '[pi/2,1]', '[pi/2,1]')),
    (r'(a, b) = (2, 7)', r'(2, 7)', ('tup', '[2,7]', '[2,7]')),
    (r'(2,\,-3)', r'(2,3)', ('tup', '[2,-3]', '[2,3]')),
    (r'(6, -\tfrac{3}{4})', r'\left(6, -0.75\right)', ('tup', '[6,-Rational(3,4)]', '[6,-Rational(3,4)]')),
    (r'(1, 2, 3)', r'(1, 3, 2)', ('tup', '[1,2,3]', '[1,3,2]')),
    (r'\left(\frac{1}{2}, -\frac{\sqrt3}{2}\right)', r'\left(\frac12,\frac{\sqrt3}{2}\right)', ('tup', '[Rational(1,2),-sqrt(3)/2]', '[Rational(1,2),sqrt(3)/2]')),
    (r'(0, -\tfrac{5}{2})', r'(0,-2.5)', ('tup', '[0,-Rational(5,2)]', '[0,-Rational(5,2)]')),
    (r'(-2.5, 0)', r'(0,-2.5)', ('tup', '[-Rational(5,2),0]', '[0,-Rational(5,2)]')),
    (r'\overrightarrow{AB} = (1,2)', r'(1,2)', None),
    (r'\overrightarrow{AB} = (1,2)', r'(2,1)', None),
    (r'\left(2, \frac{\pi}{3}\right)', r'\left(2, \frac{2\pi}{3}\right)', ('tup', '[2,pi/3]', '[2,2*pi/3]')),
    # --- matrix-vector
    (r'\left(\begin{matrix}3\\-1\\2\end{matrix}\right)', r'\begin{pmatrix} 3 \\ -1 \\ 2 \end{pmatrix}', ('mat', '[[3],[-1],[2]]', '[[3],[-1],[2]]')),
    (r'\pmatrix{1 & 2 \cr 3 & 4}', r'\begin{pmatrix}1&2\\3&4\end{pmatrix}', ('mat', '[[1,2],[3,4]]', '[[1,2],[3,4]]')),
    (r'\pmatrix{2 \cr -1}', r'\begin{pmatrix}2\\1\end{pmatrix}', ('mat', '[[2],[-1]]', '[[2],[1]]')),
    (r'\begin{pmatrix}\cos 60^\circ & -\sin 60^\circ\\ \sin 60^\circ & \cos 60^\circ\end{pmatrix}', r'\begin{pmatrix} \frac{1}{2} & -\frac{\sqrt{3}}{2} \\ \frac{\sqrt{3}}{2} & \frac{1}{2} \end{pmatrix}', ('mat', '[[cos(pi/3),-sin(pi/3)],[sin(pi/3),cos(pi/3)]]', '[[Rational(1,2),-sqrt(3)/2],[sqrt(3)/2,Rational(1,2)]]')),
    (r'\begin{pmatrix} \frac{1}{2} & \frac{\sqrt{3}}{2} \\ -\frac{\sqrt{3}}{2} & \frac{1}{2} \end{pmatrix}', r'\begin{pmatrix} \frac{1}{2} & -\frac{\sqrt{3}}{2} \\ \frac{\sqrt{3}}{2} & \frac{1}{2} \end{pmatrix}', ('mat', '[[Rational(1,2),sqrt(3)/2],[-sqrt(3)/2,Rational(1,2)]]', '[[Rational(1,2),-sqrt(3)/2],[sqrt(3)/2,Rational(1,2)]]')),
    (r'\begin{pmatrix} -2 \\ 4 \end{pmatrix}', r'\begin{pmatrix} 4 \\ -2 \end{pmatrix}', ('mat', '[[-2],[4]]', '[[4],[-2]]')),
    (r'\begin{pmatrix} 1/3 \\ 2/3 \\ 2/3 \end{pmatrix}', r'\frac13\begin{pmatrix}1\\2\\2\end{pmatrix}', ('mat', '[[Rational(1,3)],[Rational(2,3)],[Rational(2,3)]]', '[[Rational(1,3)],[Rational(2,3)],[Rational(2,3)]]')),
    (r'\frac{1}{3}\begin{pmatrix}1\\2\\2\end{pmatrix}', r'\begin{pmatrix}1\\2\\2\end{pmatrix}', ('mat', '[[Rational(1,3)],[Rational(2,3)],[Rational(2,3)]]', '[[1],[2],[2]]')),
    (r'\begin{pmatrix} 0 & 1 \\ 1 & 0\end{pmatrix}', r'\begin{pmatrix}1&0\\0&1\end{pmatrix}', ('mat', '[[0,1],[1,0]]', '[[1,0],[0,1]]')),
    (r'\begin{pmatrix} 0.5 & 0 \\ 0 & 0.25 \end{pmatrix}', r'\begin{pmatrix}\frac12&0\\0&\frac14\end{pmatrix}', ('mat', '[[Rational(1,2),0],[0,Rational(1,4)]]', '[[Rational(1,2),0],[0,Rational(1,4)]]')),
    (r'\begin{pmatrix}-\frac{4}{5}\\\frac{3}{5}\end{pmatrix}', r'\begin{pmatrix}-0.8\\0.6\end{pmatrix}', ('mat', '[[-Rational(4,5)],[Rational(3,5)]]', '[[-Rational(4,5)],[Rational(3,5)]]')),
    (r'\begin{pmatrix} 2 \\ -1 \\ 0 \end{pmatrix}', r'\begin{pmatrix} 2 \\ -1 \end{pmatrix}', None),
    (r'\begin{bmatrix} 1 & -1 \\ 2 & 3 \end{bmatrix}', r'\begin{pmatrix} 1 & -1 \\ 2 & 3 \end{pmatrix}', ('mat', '[[1,-1],[2,3]]', '[[1,-1],[2,3]]')),
    (r'\begin{pmatrix} 1 & -1 \\ 2 & 3 \end{pmatrix}', r'\begin{pmatrix} 1 & 2 \\ -1 & 3 \end{pmatrix}', ('mat', '[[1,-1],[2,3]]', '[[1,2],[-1,3]]')),
    (r'\begin{pmatrix} 7 \\ -3 \end{pmatrix}', r'\begin{pmatrix} -7 \\ 3 \end{pmatrix}', ('mat', '[[7],[-3]]', '[[-7],[3]]')),
    (r'-\begin{pmatrix} 7 \\ -3 \end{pmatrix}', r'\begin{pmatrix}-7\\3\end{pmatrix}', ('mat', '[[-7],[3]]', '[[-7],[3]]')),
    (r'\begin{pmatrix} 2 & 1 \\ 1 & 2 \end{pmatrix}', r'\begin{pmatrix} 2 & -1 \\ -1 & 2 \end{pmatrix}', ('mat', '[[2,1],[1,2]]', '[[2,-1],[-1,2]]')),
    # --- complex-form
    (r'\sqrt{2}e^{i\pi/4}', r'1+i', ('num', 'sqrt(2)*exp(I*pi/4)', '1+I')),
    (r'2e^{\frac{\pi i}{3}}', r'1+\sqrt{3}i', ('num', '2*exp(pi*I/3)', '1+sqrt(3)*I')),
    (r'2\left(\cos\frac{\pi}{3}+i\sin\frac{\pi}{3}\right)', r'1+i\sqrt{3}', ('num', '2*(cos(pi/3)+I*sin(pi/3))', '1+I*sqrt(3)')),
    (r'2\left(\cos\frac{\pi}{3}+i\sin\frac{\pi}{3}\right)', r'\sqrt3+i', ('num', '2*(cos(pi/3)+I*sin(pi/3))', 'sqrt(3)+I')),
    (r'e^{i\pi/2}', r'i', ('num', 'exp(I*pi/2)', 'I')),
    (r'e^{2\pi i/3}', r'-\frac{1}{2}+\frac{\sqrt{3}}{2}i', ('num', 'exp(2*pi*I/3)', '-Rational(1,2)+sqrt(3)/2*I')),
    (r'e^{2\pi i/3}', r'-\frac{1}{2}-\frac{\sqrt{3}}{2}i', ('num', 'exp(2*pi*I/3)', '-Rational(1,2)-sqrt(3)/2*I')),
    (r'\cos 120^\circ + i \sin 120^\circ', r'e^{2\pi i/3}', ('num', 'cos(2*pi/3)+I*sin(2*pi/3)', 'exp(2*pi*I/3)')),
    (r'-1-i', r'\sqrt2 e^{-3\pi i/4}', ('num', '-1-I', 'sqrt(2)*exp(-3*pi*I/4)')),
    (r'-1-i', r'\sqrt{2}e^{3\pi i/4}', ('num', '-1-I', 'sqrt(2)*exp(3*pi*I/4)')),
    (r'\frac{3+4i}{1-2i}', r'-1+2i', ('num', '(3+4*I)/(1-2*I)', '-1+2*I')),
    (r'i^{2023}', r'-i', ('num', 'I**2023', '-I')),
    (r'i^{2023}', r'i', ('num', 'I**2023', 'I')),
    (r'(1+i)^{10}', r'32i', ('num', '(1+I)**10', '32*I')),
    (r'4\operatorname{cis} 30^\circ', r'2\sqrt3+2i', ('num', '4*(cos(pi/6)+I*sin(pi/6))', '2*sqrt(3)+2*I')),
    (r'4\operatorname{cis} 30^\circ', r'2+2\sqrt3 i', ('num', '4*(cos(pi/6)+I*sin(pi/6))', '2+2*sqrt(3)*I')),
    (r'3-4i', r'5e^{-i\arctan(4/3)}', ('num', '3-4*I', '5*exp(-I*atan(Rational(4,3)))')),
    (r'\frac{1}{2}-\frac{\sqrt3}{2}i', r'e^{-i\pi/3}', ('num', 'Rational(1,2)-sqrt(3)/2*I', 'exp(-I*pi/3)')),
    (r'\frac{1}{2}-\frac{\sqrt3}{2}i', r'e^{i\pi/3}', ('num', 'Rational(1,2)-sqrt(3)/2*I', 'exp(I*pi/3)')),
    (r'(1+i)^{10}', r'-32i', ('num', '(1+I)**10', '-32*I')),
    (r'\frac{3+4i}{1-2i}', r'-1-2i', ('num', '(3+4*I)/(1-2*I)', '-1-2*I')),
    (r'\sqrt{-9}', r'-3i', ('num', 'sqrt(-9)', '-3*I')),
    (r'3+4\mathrm{i}', r'3+4i', ('num', '3+4*I', '3+4*I')),
    (r'3+4\mathrm{i}', r'7', ('num', '3+4*I', '7')),
    (r'\mathrm{e}^{i\pi}', r'-1', ('num', 'exp(I*pi)', '-1')),
    (r'2e^{\frac{\pi i}{3}}', r'2e^{\frac{\pi i}{6}}', ('num', '2*exp(pi*I/3)', '2*exp(pi*I/6)')),
    (r'\sqrt{2}e^{i\pi/4}', r'1-i', ('num', 'sqrt(2)*exp(I*pi/4)', '1-I')),
    # --- trig-value
    (r'\cos 30^\circ', r'\frac{\sqrt{3}}{2}', ('num', 'cos(pi/6)', 'sqrt(3)/2')),
    (r'\sin 15^\circ', r'\frac{\sqrt{6}-\sqrt{2}}{4}', ('num', 'sin(pi/12)', '(sqrt(6)-sqrt(2))/4')),
    (r'\tan 15^{\circ}', r'2-\sqrt{3}', ('num', 'tan(pi/12)', '2-sqrt(3)')),
    (r'\tan 75^\circ', r'2-\sqrt3', ('num', 'tan(5*pi/12)', '2-sqrt(3)')),
    (r'\sin\frac{\pi}{12}', r'\frac{\sqrt6+\sqrt2}{4}', ('num', 'sin(pi/12)', '(sqrt(6)+sqrt(2))/4')),
    (r'\cos\frac{2\pi}{5}', r'\frac{\sqrt5-1}{4}', ('num', 'cos(2*pi/5)', '(sqrt(5)-1)/4')),
    (r'\cos 36^\circ', r'\frac{1+\sqrt{5}}{4}', ('num', 'cos(pi/5)', '(1+sqrt(5))/4')),
    (r'\cos 72^\circ', r'\frac{\sqrt5+1}{4}', ('num', 'cos(2*pi/5)', '(sqrt(5)+1)/4')),
    (r'\sin^2 15^\circ', r'\frac{2-\sqrt3}{4}', ('num', 'sin(pi/12)**2', '(2-sqrt(3))/4')),
    (r'\sec\frac{\pi}{4}', r'\sqrt2', ('num', 'sec(pi/4)', 'sqrt(2)')),
    (r'\cot\frac{\pi}{6}', r'\frac{\sqrt3}{3}', ('num', 'cot(pi/6)', 'sqrt(3)/3')),
    (r'\arctan 1', r'\frac{\pi}{4}', ('num', 'atan(1)', 'pi/4')),
    (r'\arccos\left(-\frac{1}{2}\right)', r'\frac{2\pi}{3}', ('num', 'acos(-Rational(1,2))', '2*pi/3')),
    (r'\arcsin\left(-\frac{1}{2}\right)', r'\frac{7\pi}{6}', ('num', 'asin(-Rational(1,2))', '7*pi/6')),
    (r'\cos^2\frac{\pi}{8}-\sin^2\frac{\pi}{8}', r'\frac{\sqrt2}{2}', ('num', 'cos(pi/8)**2-sin(pi/8)**2', 'sqrt(2)/2')),
    (r'\sin 18^\circ', r'\frac{\sqrt5-1}{4}', ('num', 'sin(pi/10)', '(sqrt(5)-1)/4')),
    (r'\cos 30^\circ', r'\frac12', ('num', 'cos(pi/6)', 'Rational(1,2)')),
    (r'\tan\frac{\pi}{8}', r'\sqrt2-1', ('num', 'tan(pi/8)', 'sqrt(2)-1')),
    (r'\tan\frac{\pi}{8}', r'\sqrt2+1', ('num', 'tan(pi/8)', 'sqrt(2)+1')),
    (r'\cos 36^\circ', r'\frac{\sqrt5-1}{4}', ('num', 'cos(pi/5)', '(sqrt(5)-1)/4')),
    (r'\tan 60^\circ', r'\frac{\sqrt3}{3}', ('num', 'tan(pi/3)', 'sqrt(3)/3')),
    # --- logarithm
    (r'\log_2 8', r'3', ('num', 'log(8,2)', '3')),
    (r'\frac{\ln 3}{\ln 2}', r'\log_2 3', ('num', 'log(3)/log(2)', 'log(3,2)')),
    (r'\log_2 3', r'\log_3 2', ('num', 'log(3,2)', 'log(2,3)')),
    (r'2\log_3 2', r'\log_3 4', ('num', '2*log(2,3)', 'log(4,3)')),
    (r'\log_{10} 2 + \log_{10} 5', r'1', ('num', 'log(2,10)+log(5,10)', '1')),
    (r'\ln 8', r'3\ln 2', ('num', 'log(8)', '3*log(2)')),
    (r'\ln 8', r'2\ln 3', ('num', 'log(8)', '2*log(3)')),
    (r'\log_4 32', r'\frac52', ('num', 'log(32,4)', 'Rational(5,2)')),
    (r'\log_{\sqrt2} 8', r'6', ('num', 'log(8,sqrt(2))', '6')),
    (r'\log_2 10', r'1+\log_2 5', ('num', 'log(10,2)', '1+log(5,2)')),
    (r'\log_2 10', r'3.32', ('num', 'log(10,2)', 'Rational(332,100)')),
    (r'e^{2\ln 3}', r'9', ('num', 'exp(2*log(3))', '9')),
    (r'\log_{2}\frac{1}{8}', r'-3', ('num', 'log(Rational(1,8),2)', '-3')),
    (r'\frac{\log 5}{\log 2}', r'\log_2 5', ('num', 'log(5)/log(2)', 'log(5,2)')),
    (r'\log_3 18', r'2+\log_3 2', ('num', 'log(18,3)', '2+log(2,3)')),
    (r'\log_3 18', r'2\log_3 2', ('num', 'log(18,3)', '2*log(2,3)')),
    (r'\log_2 8', r'\log_8 2', ('num', 'log(8,2)', 'log(2,8)')),
    (r'\ln 2 + \ln 3', r'\ln 5', ('num', 'log(2)+log(3)', 'log(5)')),
    (r'\log_4 32', r'\frac{2}{5}', ('num', 'log(32,4)', 'Rational(2,5)')),
    (r'\lg 2 + \lg 5', r'1', ('num', 'log(2,10)+log(5,10)', '1')),
    (r'\lg 100', r'2', ('num', 'log(100,10)', '2')),
    # --- infinity
    (r'+\infty', r'\infty', None),
    (r'\infty', r'-\infty', None),
    (r'\text{infinity}', r'\infty', None),
    (r'(-\infty,+\infty)', r'\text{all real numbers}', None),
    (r'\infty', r'10^{100}', None),
    (r'-\infty', r'\text{negative infinity}', None),
    # --- big-integer
    (r'2^{32}', r'4294967296', ('num', '2**32', '4294967296')),
    (r'10^9+7', r'1000000007', ('num', '10**9+7', '1000000007')),
    (r'1{,}000{,}000{,}007', r'10^9+7', ('num', '1000000007', '10**9+7')),
    (r'\dbinom{20}{10}', r'184756', ('num', 'binomial(20,10)', '184756')),
    (r'\binom{20}{10}', r'184765', ('num', 'binomial(20,10)', '184765')),
    (r'11!', r'39916800', ('num', 'factorial(11)', '39916800')),
    (r'11!', r'39916801', ('num', 'factorial(11)', '39916801')),
    (r'2^{31}-1', r'2147483647', ('num', '2**31-1', '2147483647')),
    (r'3^{20}', r'3486784401', ('num', '3**20', '3486784401')),
    (r'\frac{100!}{98!}', r'9900', ('num', 'factorial(100)/factorial(98)', '9900')),
    (r'2^{10}\cdot 5^{10}', r'10^{10}', ('num', '2**10*5**10', '10**10')),
    (r'12345678987654321', r'111111111^2', ('num', '12345678987654321', '111111111**2')),
    (r'999999999999999999', r'10^{18}', ('num', '999999999999999999', '10**18')),
    (r'2^{64}-1', r'18446744073709551616', ('num', '2**64-1', '18446744073709551616')),
    (r'2^{32}', r'4294967295', ('num', '2**32', '4294967295')),
    (r'3^{20}', r'3486784400', ('num', '3**20', '3486784400')),
    (r'10^9+7', r'10^9+9', ('num', '10**9+7', '10**9+9')),
    # --- scientific
    (r'3\times10^{5}', r'300000', ('num', '3*10**5', '300000')),
    (r'1.2e5', r'120000', ('num', 'Rational(12,10)*10**5', '120000')),
    (r'1.2 \times 10^{-3}', r'0.0012', ('num', 'Rational(12,10)*10**-3', 'Rational(12,10000)')),
    (r'3\times10^{5}', r'3\times10^{6}', ('num', '3*10**5', '3*10**6')),
    (r'6.02\times 10^{23}', r'602000000000000000000000', ('num', 'Rational(602,100)*10**23', '602000000000000000000000')),
    (r'2.5\times10^{-4}', r'0.0025', ('num', 'Rational(25,10)*10**-4', 'Rational(25,10000)')),
    (r'1.2E-3', r'\frac{3}{2500}', ('num', 'Rational(12,10)*10**-3', 'Rational(3,2500)')),
    (r'5 \cdot 10^{6}', r'5{,}000{,}000', ('num', '5*10**6', '5000000')),
    (r'1.5\times10^{3}', r'150', ('num', '1500', '150')),
    (r'4.0 \times 10^{2}', r'400', ('num', '400', '400')),
    (r'7.5\times 10^{-2}', r'\frac{3}{40}', ('num', 'Rational(75,1000)', 'Rational(3,40)')),
    (r'6.02\times10^{23}', r'6.02\times10^{22}', ('num', 'Rational(602,100)*10**23', 'Rational(602,100)*10**22')),
    (r'1.2e5', r'12000', ('num', '120000', '12000')),
    (r'3.0\times 10^{8}', r'3\times10^{8}', ('num', '3*10**8', '3*10**8')),
    (r'1.2\times10^{5}', r'1.2\times10^{-5}', ('num', 'Rational(12,10)*10**5', 'Rational(12,10)*Rational(1,10**5)')),
    # --- money
    (r'\$1{,}250.00', r'1250', ('num', '1250', '1250')),
    (r'\$1{,}250', r'\$125.0', ('num', '1250', '125')),
    (r'\$42.50', r'42.5\text{ dollars}', ('num', 'Rational(85,2)', 'Rational(85,2)')),
    (r'\$42.50', r'\$42.05', ('num', 'Rational(4250,100)', 'Rational(4205,100)')),
    (r'\$18.00', r'18', ('num', '18', '18')),
    (r'1250 \text{ dollars}', r'\$1250', ('num', '1250', '1250')),
    (r'\$1,\!250', r'1250', ('num', '1250', '1250')),
    (r'\$ 3.75', r'\$3.57', ('num', 'Rational(375,100)', 'Rational(357,100)')),
    (r'\$1{,}250.00', r'\$12.50', ('num', '1250', 'Rational(1250,100)')),
    (r'£12.50', r'12.5', ('num', 'Rational(25,2)', 'Rational(25,2)')),
    # --- time-date
    (r'4:30 \text{ PM}', r'4:30\text{ p.m.}', None),
    (r'4:30 \text{ PM}', r'4:30 \text{ a.m.}', None),
    (r'10:05', r'10:50', None),
    (r'9{:}00\text{ a.m.}', r'9:00 AM', None),
    (r'14:45', r'2:45\text{ p.m.}', None),
    (r'14:45', r'2:45\text{ a.m.}', None),
    (r'\text{Sunday}', r'\text{Saturday}', None),
    (r'\text{Tuesday}', r'\text{tuesday}', None),
    (r'\text{March 15}', r'\text{March }15', None),
    (r'\text{March 15}', r'\text{March 16}', None),
    (r'7:15\text{ a.m.}', r'7:45\text{ a.m.}', None),
    (r'3:00 \text{ pm}', r'15:00', None),
    (r'\text{noon}', r'12:00\text{ p.m.}', None),
    (r'\text{noon}', r'12:00\text{ a.m.}', None),
    (r'4\!:\!30\,\mathrm{PM}', r'4:30 p.m.', None),
    (r'\text{July 4th}', r'\text{July }4', None),
    (r'\text{June }1^{\text{st}}', r'\text{June 2}', None),
    (r'9:00\text{ a.m.}', r'9:00\text{ p.m.}', None),
    (r'4\text{ p.m.}', r'4:00\text{ p.m.}', None),
    (r'4 pm', r'4:00 AM', None),
    (r'\text{Oct. } 31', r'\text{October }31', None),
    (r'\text{Oct. } 31', r'\text{October } 13', None),
    # --- words
    (r'\text{no solution}', r'\text{No solutions}', None),
    (r'\text{no real solutions}', r'\mathbb{R}', None),
    (r'\text{Even}', r'\text{even}', None),
    (r'\text{even}', r'\text{odd}', None),
    (r'\text{Yes}', r'\text{yes}', None),
    (r'\text{yes}', r'\text{no}', None),
    (r'\text{all real numbers}', r'(0,\infty)', None),
    (r'\text{no solution}', r'0', None),
    (r'\text{DNE}', r'\text{does not exist}', None),
    (r'\text{DNE}', r'0', None),
    (r'12^{\text{th}}', r'12', None),
    # --- latex-format
    (r'\tfrac{3\sqrt{2}}{4}', r'\frac{3}{4}\sqrt2', ('num', '3*sqrt(2)/4', 'Rational(3,4)*sqrt(2)')),
    (r'\frac1{12}', r'\frac{1}{12}', ('num', 'Rational(1,12)', 'Rational(1,12)')),
    (r'\sqrt2\,\pi', r'\pi\sqrt{2}', ('num', 'sqrt(2)*pi', 'pi*sqrt(2)')),
    (r'\frac{\sqrt 3}3', r'\frac{1}{\sqrt3}', ('num', 'sqrt(3)/3', '1/sqrt(3)')),
    (r'\left(\dfrac{3}{4}\right)^{\!2}', r'\frac{9}{16}', ('num', 'Rational(9,16)', 'Rational(9,16)')),
    (r'2\!\cdot\!3^{4}', r'162', ('num', '2*3**4', '162')),
    (r'\mbox{12}', r'12', ('num', '12', '12')),
    (r'\displaystyle\frac{7}{8}', r'0.875', ('num', 'Rational(7,8)', 'Rational(875,1000)')),
    (r'{\frac{5}{6}}', r'\frac{6}{5}', ('num', 'Rational(5,6)', 'Rational(6,5)')),
    (r'\sqrt[3]{\,27\,}', r'3', ('num', '27**Rational(1,3)', '3')),
    (r'\frac{\pi}{2}\,\text{radians}', r'\frac{\pi}{2}', ('num', 'pi/2', 'pi/2')),
    (r'12 \text{ square units}', r'12', ('num', '12', '12')),
    (r'6\sqrt{3}\text{ cm}^2', r'6\sqrt3', ('num', '6*sqrt(3)', '6*sqrt(3)')),
    (r'6\sqrt{3}\text{ cm}^2', r'6\sqrt2', ('num', '6*sqrt(3)', '6*sqrt(2)')),
    (r'\sqrt{2}^{\,3}', r'2\sqrt2', ('num', 'sqrt(2)**3', '2*sqrt(2)')),
    (r'\tfrac{1}{2}\cdot\tfrac{1}{3}', r'\tfrac16', ('num', 'Rational(1,6)', 'Rational(1,6)')),
    (r'\frac{1}{2}\cdot 3', r'\frac{1}{6}', ('num', 'Rational(3,2)', 'Rational(1,6)')),
    (r'-\dfrac{7}{2}', r'\frac{7}{-2}', ('num', '-Rational(7,2)', '-Rational(7,2)')),
    (r'\dfrac{-7}{2}', r'\frac{7}{2}', ('num', '-Rational(7,2)', 'Rational(7,2)')),
    (r'\frac{14}{3}', r'4\tfrac{2}{3}', ('num', 'Rational(14,3)', 'Rational(14,3)')),
    (r'\frac{\frac{1}{2}}{\frac{3}{4}}', r'\frac{2}{3}', ('num', 'Rational(2,3)', 'Rational(2,3)')),
    (r'5\text{ m/s}', r'5', ('num', '5', '5')),
    (r'\frac{1}{2}\sqrt{3}', r'\frac{1}{2\sqrt{3}}', ('num', 'sqrt(3)/2', '1/(2*sqrt(3))')),
    (r'\frac12\pi', r'\frac{1}{2\pi}', ('num', 'pi/2', '1/(2*pi)')),
    (r'\sqrt2\,\pi', r'\sqrt{2\pi}', ('num', 'sqrt(2)*pi', 'sqrt(2*pi)')),
    (r'\sqrt{3}/2', r'\sqrt{3/2}', ('num', 'sqrt(3)/2', 'sqrt(Rational(3,2))')),
    (r'\frac{\sqrt3}{2}', r'\sqrt{\frac32}', ('num', 'sqrt(3)/2', 'sqrt(Rational(3,2))')),
    (r'\frac{1}{\sqrt{2}}', r'\sqrt{2}', ('num', '1/sqrt(2)', 'sqrt(2)')),
    (r'\left[ {\frac{1}{2},1} \right)', r'[\frac{1}{2},1)', None),
    (r'\left( {1,2} \right)', r'(1,2)', None),
    (r'{\left( {x - 1} \right)^2} + {y^2} = 1', r'(x-1)^2+y^2=1', None),
    # --- degrees
    (r'\sin 30^\circ', r'\frac12', ('num', 'sin(pi/6)', 'Rational(1,2)')),
    (r'\cos(60^{\circ})', r'\cos\frac{\pi}{3}', ('num', 'cos(pi/3)', 'cos(pi/3)')),
    (r'36^\circ', r'\text{36 degrees}', None),
    (r'\frac{135}{2}^\circ', r'67.5^\circ', ('num', 'Rational(135,2)', 'Rational(675,10)')),
    (r'30^\circ', r'0.5236', None),
    (r'\tan 45^{\circ}', r'1', ('num', 'tan(pi/4)', '1')),
    (r'm\angle ABC = 120^\circ', r'120', None),
    (r'\angle A = 75^{\circ}', r'105^\circ', None),
    (r'\cos 60^\circ', r'\frac{\sqrt3}{2}', ('num', 'cos(pi/3)', 'sqrt(3)/2')),
    # --- equation-form
    (r'y = -\dfrac{1}{2}x + 3', r'x + 2y - 6 = 0', ('eqn', '(y, -x/2+3)', '(x+2*y-6, 0)')),
    (r'(x-1)^2+(y+2)^2=9', r'x^2+y^2-2x+4y-4=0', ('eqn', '((x-1)**2+(y+2)**2, 9)', '(x**2+y**2-2*x+4*y-4, 0)')),
    (r'(x-1)^2+(y+2)^2=9', r'x^2+y^2-2x+4y+4=0', ('eqn', '((x-1)**2+(y+2)**2, 9)', '(x**2+y**2-2*x+4*y+4, 0)')),
    (r'2x - y + 3z = 5', r'-2x+y-3z+5=0', ('eqn', '(2*x-y+3*z, 5)', '(-2*x+y-3*z+5, 0)')),
    (r'2x - y + 3z = 5', r'2x-y+3z+5=0', ('eqn', '(2*x-y+3*z, 5)', '(2*x-y+3*z+5, 0)')),
    (r'y=x^2-4x+3', r'y=(x-1)(x-3)', ('eqn', '(y, x**2-4*x+3)', '(y, (x-1)*(x-3))')),
    (r'y = (x-2)^2 - 1', r'y=x^2-4x+5', ('eqn', '(y, (x-2)**2-1)', '(y, x**2-4*x+5)')),
    (r'\frac{x^2}{9}-\frac{y^2}{16}=1', r'16x^2-9y^2=144', ('eqn', '(x**2/9-y**2/16, 1)', '(16*x**2-9*y**2, 144)')),
    (r'\frac{x^2}{9}-\frac{y^2}{16}=1', r'9x^2-16y^2=144', ('eqn', '(x**2/9-y**2/16, 1)', '(9*x**2-16*y**2, 144)')),
    (r'y-2 = 3(x+1)', r'y = 3x+5', ('eqn', '(y-2, 3*(x+1))', '(y, 3*x+5)')),
    (r'xy=6', r'y=\frac{6}{x}', None),
    (r'x^2+y^2=25', r'x^2+y^2=5', ('eqn', '(x**2+y**2, 25)', '(x**2+y**2, 5)')),
    (r'y = -\dfrac{1}{2}x + 3', r'x - 2y + 6 = 0', ('eqn', '(y, -x/2+3)', '(x-2*y+6, 0)')),
    # --- radical
    (r'\sqrt{5+2\sqrt6}', r'\sqrt2+\sqrt3', ('num', 'sqrt(5+2*sqrt(6))', 'sqrt(2)+sqrt(3)')),
    (r'\sqrt{5+2\sqrt6}', r'\sqrt2+\sqrt5', ('num', 'sqrt(5+2*sqrt(6))', 'sqrt(2)+sqrt(5)')),
    (r'\frac{1}{\sqrt3+\sqrt2}', r'\sqrt3-\sqrt2', ('num', '1/(sqrt(3)+sqrt(2))', 'sqrt(3)-sqrt(2)')),
    (r'\sqrt[4]{16}', r'2', ('num', '16**Rational(1,4)', '2')),
    (r'\sqrt{2}\cdot\sqrt{8}', r'4', ('num', 'sqrt(2)*sqrt(8)', '4')),
    (r'\frac{\sqrt{6}}{3}', r'\sqrt{\frac{2}{3}}', ('num', 'sqrt(6)/3', 'sqrt(Rational(2,3))')),
    (r'\sqrt[3]{54}', r'3\sqrt[3]{2}', ('num', '54**Rational(1,3)', '3*2**Rational(1,3)')),
    (r'2\sqrt[3]{3}', r'\sqrt[3]{6}', ('num', '2*3**Rational(1,3)', '6**Rational(1,3)')),
    (r'\frac{3}{2\sqrt{2}}', r'\frac{3\sqrt2}{4}', ('num', '3/(2*sqrt(2))', '3*sqrt(2)/4')),
    (r'\sqrt{48}', r'4\sqrt{3}', ('num', 'sqrt(48)', '4*sqrt(3)')),
    (r'\sqrt{48}', r'3\sqrt{4}', ('num', 'sqrt(48)', '3*sqrt(4)')),
    (r'\sqrt{12}', r'3\sqrt{2}', ('num', 'sqrt(12)', '3*sqrt(2)')),
    (r'\sqrt{2}+\sqrt{2}', r'\sqrt{4}', ('num', '2*sqrt(2)', '2')),
    # --- choice-text
    (r'\textbf{(C)}\ 12', r'C', None),
    (r'\text{(C) } \frac{1}{2}', r'\text{(C)}', None),
    (r'\textbf{(D) } 20', r'\textbf{(C) } 18', None),
    (r'\mathrm{(B)}\ \sqrt{2}', r'B', None),
    (r'(E)', r'\textbf{(E)}\ \text{none of these}', None),
    (r'\textbf{(A) }3 \text{ or } \textbf{(B) }4', r'A', None),
    (r'\text{B}', r'\text{(D)}', None),
    (r'C', r'\textbf{(C)}', None),
    (r'\textbf{(A)}', r'\mathrm{(A)}\ 7', None),
    (r'\text{(A) }5', r'E', None),
    (r'\textbf{(C) } \frac{1}{2}', r'\frac12', None),
    (r'\textbf{(C) } \frac{1}{3}', r'\frac12', None),
    (r'13', r'\textbf{(C)}\ 12', None),
    # --- percent
    (r'37.5\%', r'\frac38', ('num', 'Rational(375,1000)', 'Rational(3,8)')),
    (r'0.375', r'37.5\%', ('num', 'Rational(375,1000)', 'Rational(3,8)')),
    (r'37.5\%', r'0.375\%', None),
    (r'15 \text{ percent}', r'0.15', ('num', 'Rational(15,100)', 'Rational(15,100)')),
    (r'66\frac{2}{3}\%', r'\frac{2}{3}', ('num', 'Rational(200,3)/100', 'Rational(2,3)')),
    (r'66\%', r'\frac{2}{3}', ('num', 'Rational(66,100)', 'Rational(2,3)')),
    (r'\frac{1}{8}', r'1.25\%', ('num', 'Rational(1,8)', 'Rational(125,10000)')),
    # --- expression
    (r'\frac{n(n+1)}{2}', r'\frac{n^2+n}{2}', ('sym', 'n*(n+1)/2', '(n**2+n)/2')),
    (r'\frac{n(n+1)(2n+1)}{6}', r'\frac{2n^3+3n^2+n}{6}', ('sym', 'n*(n+1)*(2*n+1)/6', '(2*n**3+3*n**2+n)/6')),
    (r'\frac{n(n+1)}{2}', r'\frac{n(n-1)}{2}', ('sym', 'n*(n+1)/2', 'n*(n-1)/2')),
    (r'2^{n+1}-2', r'2(2^n-1)', ('sym', '2**(n+1)-2', '2*(2**n-1)')),
    (r'2^{n+1}-1', r'2^n - 1', ('sym', '2**(n+1)-1', '2**n-1')),
    (r'\binom{n}{2}', r'\frac{n(n-1)}{2}', ('sym', 'binomial(n,2)', 'n*(n-1)/2')),
    (r'\dbinom{n}{3}', r'\frac{n(n-1)(n-2)}{3}', ('sym', 'n*(n-1)*(n-2)/6', 'n*(n-1)*(n-2)/3')),
    (r'\frac{a+b}{2}', r'\frac{a}{2}+\frac{b}{2}', ('sym', '(a+b)/2', 'a/2+b/2')),
    (r'(a+b)^3', r'a^3+b^3', ('sym', '(a+b)**3', 'a**3+b**3')),
    (r'3^{2x}', r'9^x', ('sym', '3**(2*x)', '9**x')),
    (r'\frac{\sin 2x}{2}', r'\sin x\cos x', ('sym', 'sin(2*x)/2', 'sin(x)*cos(x)')),
    (r'\cos^2 x - \sin^2 x', r'\cos 2x', ('sym', 'cos(x)**2-sin(x)**2', 'cos(2*x)')),
    (r'\sin x\cos x', r'\sin 2x', ('sym', 'sin(x)*cos(x)', 'sin(2*x)')),
    (r'|x|', r'x', ('sym', 'Abs(xr)', 'xr')),
    (r'\sqrt{x^2}', r'|x|', ('sym', 'sqrt(xr**2)', 'Abs(xr)')),
    (r'\sqrt{x^2}', r'x', ('sym', 'sqrt(xr**2)', 'xr')),
    (r'\frac{1}{x}+\frac{1}{y}', r'\frac{1}{x+y}', ('sym', '1/x+1/y', '1/(x+y)')),
    (r'x^2-y^2', r'(x-y)^2', ('sym', 'x**2-y**2', '(x-y)**2')),
    (r'\frac{n(n+1)}{2}', r'\binom{n+1}{2}', ('sym', 'n*(n+1)/2', 'binomial(n+1,2)')),
    (r'\frac{n(n+1)}{2}', r'\frac{n^2+1}{2}', ('sym', 'n*(n+1)/2', '(n**2+1)/2')),
    (r'\binom{n}{2}', r'\frac{n^2}{2}', ('sym', 'binomial(n,2)', 'n**2/2')),
    # --- base-n
    (r'\mathrm{1A}_{16}', r'1A_{16}', None),
    (r'1A_{16}', r'A1_{16}', None),
    (r'\text{1011}_2', r'1011_{2}', None),
    (r'1011_{(2)}', r'1011_2', None),
    # --- extraction
    (r'Multiplying out, $2 \cdot \frac{7}{4} = \frac{7}{2}$. Therefore, the final answer is $\boxed{\dfrac{7}{2}}$. I hope it is correct.', r'3.5', None),
    (r'Solving each piece, we get $$\boxed{x \in \left[-1, \tfrac{5}{2}\right)}$$', r'[-1,\frac52)', None),
    (r'Since $|x-2|<5$ means $-5<x-2<5$, the solution is $\boxed{(-3,7)}$.', r'-3<x<7', None),
    (r'We first get $\boxed{2}$, but checking the domain rules out $x=2$, so the answer is $\boxed{4}$.', r'2', None),
    (r'The only option that works is $\boxed{\text{(D) } 24}$.', r'D', None),
    (r'The clock shows $\boxed{4:30\text{ P.M.}}$', r'4:30 p.m.', None),
    (r'Since $|x-2|\le 5$, we get $\boxed{(-3,7)}$.', r'-3 \le x \le 7', None),
    (r'Checking each option, the answer is $\boxed{\text{(C)}}$.', r'D', None),
    (r'Factoring gives $(x-2)(x+5)=0$, so the solutions are $\boxed{2}$ and $\boxed{-5}$.', r'-5, 2', None),
    (r'Factoring gives $(x-2)(x+5)=0$, so the solutions are $\boxed{2}$ and $\boxed{-5}$.', r'2', None),
    (r'It is either $\boxed{A}$ or $\boxed{C}$.', r'A', None),
    # --- restated-value
    (r'\frac{9}{2} = 4.5', r'\frac92', ('num', 'Rational(9,2)', 'Rational(9,2)')),
    (r'2^{10} = 1024', r'1024', ('num', '2**10', '1024')),
    (r'\frac{1}{2} = 0.6', r'0.5', ('num', 'Rational(6,10)', 'Rational(1,2)')),
    (r'3\sqrt{2} \approx 4.24', r'3\sqrt2', ('num', '3*sqrt(2)', '3*sqrt(2)')),
    (r'3\sqrt{2} \approx 4.24', r'4.24', None),
    (r'3\sqrt{2} \approx 4.24', r'2\sqrt3', ('num', '3*sqrt(2)', '2*sqrt(3)')),
    (r'x = 2\sqrt{5} \approx 4.47', r'2\sqrt5', ('num', '2*sqrt(5)', '2*sqrt(5)')),
    (r'\text{Area} = 12', r'12', None),
    (r'\text{Area} = 12', r'24', None),
    (r'|AB| = 5', r'5', None),
    (r'\overline{AB} = 2\sqrt{3}', r'\sqrt{12}', ('num', '2*sqrt(3)', 'sqrt(12)')),
    (r'AB = 2\sqrt3', r'3\sqrt2', ('num', '2*sqrt(3)', '3*sqrt(2)')),
    # --- tolerance-trap
    (r'12.5', r'0.125', ('num', 'Rational(125,10)', 'Rational(125,1000)')),
    (r'0.35', r'35', ('num', 'Rational(35,100)', '35')),
    (r'3.1416', r'\pi', ('num', 'Rational(31416,10000)', 'pi')),
    (r'1.41421', r'\sqrt{2}', ('num', 'Rational(141421,100000)', 'sqrt(2)')),
    (r'0.33333', r'\frac13', ('num', 'Rational(33333,100000)', 'Rational(1,3)')),
    (r'2.7183', r'e', ('num', 'Rational(27183,10000)', 'E')),
    (r'1.7320508', r'\sqrt3', ('num', 'Rational(17320508,10000000)', 'sqrt(3)')),
    (r'100000001', r'10^8', ('num', '100000001', '10**8')),
    (r'10^{-10}', r'0', ('num', 'Rational(1,10**10)', '0')),
    (r'\frac{1}{2^{20}}', r'0', ('num', 'Rational(1,2**20)', '0')),
    (r'\frac{\sqrt{3}}{2}', r'0.866', ('num', 'sqrt(3)/2', 'Rational(866,1000)')),
    (r'2\sqrt{3}', r'3.464', ('num', '2*sqrt(3)', 'Rational(3464,1000)')),
    (r'\log_2 3', r'1.585', ('num', 'log(3,2)', 'Rational(1585,1000)')),
    (r'3\pi', r'3', ('num', '3*pi', '3')),
    (r'5x', r'5', None),
    (r'x^2+2x', r'x(x+2)', ('sym', 'x**2+2*x', 'x*(x+2)')),
    (r'0.5', r'50\%', ('num', 'Rational(1,2)', 'Rational(50,100)')),
    # --- general-solution
    (r'x=\frac{\pi}{4}+k\pi, k\in\mathbb{Z}', r'\frac{\pi}{4}+k\pi\ (k\in\mathbb{Z})', ('prog', '[(pi/4, pi)]', '[(pi/4, pi)]')),
    (r'x=\frac{\pi}{4}+k\pi, k\in\mathbb{Z}', r'\frac{5\pi}{4}+n\pi, n\in\mathbb{Z}', ('prog', '[(pi/4, pi)]', '[(5*pi/4, pi)]')),
    (r'x=\frac{\pi}{4}+k\pi,\ k\in\mathbb{Z}', r'\frac{\pi}{4}+2k\pi, k\in\mathbb{Z}', ('prog', '[(pi/4, pi)]', '[(pi/4, 2*pi)]')),
    (r'\frac{k\pi}{2}, k \in \mathbb{Z}', r'k\pi \text{ or } \frac{\pi}{2}+k\pi\ (k\in\mathbb{Z})', ('prog', '[(0, pi/2)]', '[(0, pi), (pi/2, pi)]')),
    (r'x = 2k\pi \pm \frac{\pi}{3}\ (k \in \mathbb{Z})', r'\{x \mid x = 2k\pi + \frac{\pi}{3} \text{ or } x = 2k\pi - \frac{\pi}{3}, k\in\mathbb{Z}\}', ('prog', '[(pi/3, 2*pi), (-pi/3, 2*pi)]', '[(pi/3, 2*pi), (-pi/3, 2*pi)]')),
    (r'x = 2k\pi \pm \frac{\pi}{3}\ (k \in \mathbb{Z})', r'x = 2k\pi + \frac{\pi}{3}, k\in\mathbb{Z}', ('prog', '[(pi/3, 2*pi), (-pi/3, 2*pi)]', '[(pi/3, 2*pi)]')),
    (r'x = 2k\pi \pm \frac{\pi}{3}, k \in Z', r'x=\frac{\pi}{3}+k\pi, k\in Z', ('prog', '[(pi/3, 2*pi), (-pi/3, 2*pi)]', '[(pi/3, pi)]')),
    (r'\left\{x \mid x = k\pi + \frac{\pi}{6}, k \in \mathbb{Z}\right\}', r'x=\frac{7\pi}{6}+k\pi, k\in\mathbb{Z}', ('prog', '[(pi/6, pi)]', '[(7*pi/6, pi)]')),
    (r'\frac{\pi}{4}+k\pi, k\in\mathbb{Z}', r'\frac{\pi}{4}', None),
    (r'x=k\pi+\frac{\pi}{2}, k\in\mathbb{Z}', r'x=k\pi-\frac{\pi}{2}, k\in\mathbb{Z}', ('prog', '[(pi/2, pi)]', '[(-pi/2, pi)]')),
    (r'x=\frac{k\pi}{3}+\frac{\pi}{6}\ (k\in\mathbb{Z})', r'x = \frac{\pi}{6}+\frac{k\pi}{3}, k\in\mathbb{Z}', ('prog', '[(pi/6, pi/3)]', '[(pi/6, pi/3)]')),
    (r'x = \frac{k\pi}{2} + \frac{\pi}{8}, k\in\mathbb{Z}', r'x=\frac{k\pi}{2}-\frac{\pi}{8}, k\in\mathbb{Z}', ('prog', '[(pi/8, pi/2)]', '[(-pi/8, pi/2)]')),
    # --- ratio
    (r'6:8', r'3:4', None),
    (r'1:2:3', r'2:4:6', None),
    (r'2:3', r'3:2', None),
    (r'1:2:3', r'1:2', None),
    (r'\sqrt{2}:1', r'2:\sqrt{2}', None),
]


def ev(s):
    return eval(s, {"__builtins__": {}}, NAMES)  # noqa: S307 - readings are this file's own


def num_eq(p, q):
    return abs(sp.N(p - q, 60)) < sp.Float("1e-45")


def as_set(s):
    v = ev(s)
    if isinstance(v, sp.Set):
        return v
    if isinstance(v, (sp.And, sp.Or)):
        return v.as_set()
    return sp.solveset(v, x, sp.S.Reals)


def uniq(items):
    out = []
    for v in items:
        if not any(num_eq(v, w) for w in out):
            out.append(v)
    return out


def decide(reading):
    kind, p, q = reading
    if kind == "num":
        return num_eq(ev(p), ev(q))
    if kind == "set":
        s, t = as_set(p), as_set(q)
        return s == t or (
            sp.simplify(sp.Complement(s, t)) == sp.S.EmptySet
            and sp.simplify(sp.Complement(t, s)) == sp.S.EmptySet
        )
    if kind == "sol":
        s, t = uniq(ev(p)), uniq(ev(q))
        return len(s) == len(t) and all(any(num_eq(v, w) for w in t) for v in s)
    if kind == "tup":
        s, t = ev(p), ev(q)
        return len(s) == len(t) and all(num_eq(v, w) for v, w in zip(s, t))
    if kind == "mat":
        s, t = sp.Matrix(ev(p)), sp.Matrix(ev(q))
        return s.shape == t.shape and all(num_eq(v, w) for v, w in zip(s, t))
    if kind == "eqn":
        (l1, r1), (l2, r2) = ev(p), ev(q)
        ratio = sp.simplify(sp.expand(l1 - r1) / sp.expand(l2 - r2))
        return bool(ratio.is_constant()) and ratio != 0
    if kind == "prog":
        # Unions of progressions a + b*k (k an integer), compared on a window of values.
        def points(src):
            out = set()
            for start, step in ev(src):
                for k in range(-400, 401):
                    v = float(sp.N(start + step * k))
                    if -20 <= v <= 20:
                        out.add(round(v, 9))
            return out

        return points(p) == points(q)
    if kind == "sym":
        d = sp.simplify(sp.expand_func(ev(p) - ev(q)))
        if d == 0:
            return True
        rng = random.Random(1)
        for _ in range(6):
            point = {s: sp.Rational(rng.randint(-90, 90), 7) for s in d.free_symbols}
            if abs(sp.N(d.subs(point), 30)) > 1e-20:
                return False
        return True
    raise ValueError(f"unknown reading kind {kind!r}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "hard-pairs.jsonl")
    problems = []
    rows = []
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            if line.strip():
                row = json.loads(line)
                if set(row) != {"pred", "ref", "equal", "category", "why"}:
                    problems.append(f"line {ln}: fields {sorted(row)}")
                if row.get("category") not in CATEGORIES:
                    problems.append(f"line {ln}: unknown category {row.get('category')!r}")
                rows.append((ln, row))

    first = {}
    for ln, row in rows:
        key = (row["pred"], row["ref"])
        if key in first:
            problems.append(f"line {ln}: duplicate pair (also line {first[key]})")
        first.setdefault(key, ln)
    with open(os.path.join(here, "labelled-pairs.jsonl"), encoding="utf-8") as f:
        old = [json.loads(l) for l in f if l.strip()]
    old_pairs = {(r["pred"], r["ref"]) for r in old} | {(r["ref"], r["pred"]) for r in old}
    for key, ln in first.items():
        if key in old_pairs:
            problems.append(f"line {ln}: pair already in labelled-pairs.jsonl")

    readings = {}
    for pred, ref, reading in READINGS:
        if (pred, ref) in readings:
            problems.append(f"reading given twice for {pred!r} vs {ref!r}")
        readings[(pred, ref)] = reading
    for key in readings:
        if key not in first:
            problems.append(f"reading without a row: {key[0]!r} vs {key[1]!r}")

    checked = 0
    for ln, row in rows:
        key = (row["pred"], row["ref"])
        if key not in readings:
            problems.append(f"line {ln}: no reading for {key[0]!r} vs {key[1]!r}")
            continue
        reading = readings[key]
        if reading is None:
            continue
        try:
            verdict = decide(reading)
        except Exception as e:  # noqa: BLE001
            problems.append(f"line {ln}: could not evaluate ({type(e).__name__}: {e})")
            continue
        checked += 1
        if verdict != row["equal"]:
            problems.append(
                f"line {ln} [{row['category']}]: label {row['equal']} but the mathematics says "
                f"{verdict}: {row['pred']!r} vs {row['ref']!r}"
            )

    counts = Counter(row["category"] for _, row in rows)
    trues = Counter(row["category"] for _, row in rows if row["equal"] is True)
    width = max(len(c) for c in CATEGORIES)
    for cat in CATEGORIES:
        print(f"{cat:<{width}}  {counts[cat]:3d} rows  {trues[cat]:3d} true  {counts[cat] - trues[cat]:3d} false")
    print(f"{'total':<{width}}  {len(rows):3d} rows; {checked} re-checked by the mathematics")
    for p in problems:
        print("PROBLEM:", p)
    if problems:
        print(f"{len(problems)} problem(s)")
        sys.exit(1)


if __name__ == "__main__":
    main()
