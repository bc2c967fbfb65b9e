import {
  InvalidInputError,
  POLICY_DIALECTS,
  REWARD_DIALECTS,
  REWARD_TRANSFORMS,
  resolveEndpoint,
  type RoundManifest,
} from '@rstar-fleet/protocol';

/** The flags that name model servers directly (`solve` and `eval`: --policy URL …). */
export interface ModelFlags {
  policy?: string;
  policyModel?: string;
  policyDialect: string;
  ppm?: string;
  ppmModel?: string;
  ppmDialect: string;
  ppmTransform: string;
}

/** The policy (and PPM, with --ppm) the flags name; each value checked, naming its flag. */
export function modelsFromFlags(flags: ModelFlags): Pick<RoundManifest, 'policy' | 'ppm'> {
  return {
    policy: {
      model: need(flags.policyModel, '--policy-model'),
      dialect: oneOf(flags.policyDialect, POLICY_DIALECTS, '--policy-dialect'),
      endpoints: [resolveEndpoint(need(flags.policy, '--policy'))],
    },
    ppm:
      flags.ppm === undefined
        ? null
        : {
            model: need(flags.ppmModel, '--ppm-model'),
            dialect: oneOf(flags.ppmDialect, REWARD_DIALECTS, '--ppm-dialect'),
            transform: oneOf(flags.ppmTransform, REWARD_TRANSFORMS, '--ppm-transform'),
            endpoints: [resolveEndpoint(flags.ppm)],
          },
  };
}

/** The object without its undefined values (optional flags left out of an options object). */
export function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function need(value: string | undefined, flag: string): string {
  if (value === undefined) {
    throw new InvalidInputError(`${flag} is required with a server URL`, { field: flag });
  }
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(`expected one of ${allowed.join(', ')}, got ${value}`, {
      field: flag,
    });
  }
  return value as T;
}
