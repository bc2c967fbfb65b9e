import { interpretToyProgram, runToyProgram } from './toy-interpreter';

describe('toy interpreter (NOT Python)', () => {
  it('runs assignments, comments and prints', () => {
    const program =
      '# Step 1: start\nx1 = 12 + 7\n\nx2 = (x1 - 4) * 2\nprint(x2)\nprint(7 / 2)\nprint(6 / 3)\nprint(-7 // 2)\nprint(7 % 3)\n';
    expect(runToyProgram(program)).toEqual({
      status: 'ok',
      stdout: '30\n3.5\n2.0\n-4\n1\n',
      stderr: '',
    });
    expect(interpretToyProgram('a = 2\nb = a * a\n').variables).toEqual(
      new Map([
        ['a', 2],
        ['b', 4],
      ]),
    );
  });

  it('reports failures like a sandbox: status error, traceback-like stderr, output so far', () => {
    expect(runToyProgram('print(1)\nx = total + 1\n')).toEqual({
      status: 'error',
      stdout: '1\n',
      stderr: "line 2\nNameError: name 'total' is not defined",
    });
    expect(runToyProgram('x = 1 / (2 - 2)').stderr).toContain('ZeroDivisionError');
    expect(runToyProgram('import os').stderr).toContain('SyntaxError');
    expect(runToyProgram('x = (1 + 2').stderr).toContain('SyntaxError');
    expect(runToyProgram('x = 1 +').stderr).toContain('SyntaxError');
    expect(runToyProgram('x = 1 2').stderr).toContain('SyntaxError');
  });
});
