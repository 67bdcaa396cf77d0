// Mini program: the cloud environment id, chosen at run time by the version of the mini program that is running
// (wx.getAccountInfoSync().miniProgram.envVersion: develop / trial / release, [ACCOUNT-INFO]), so one upload serves
// a test and a production environment. Replace the ids with yours once (README: Configuration per environment); the
// functions pick their own settings from config/tixing.json `environments` by the same ids.
// Note: a version under WeChat's review reports `develop` [ACCOUNT-INFO] — point develop at an environment reviewers
// may use.

export const CLOUD_ENVS: Readonly<Record<'develop' | 'trial' | 'release', string>> = {
  develop: 'tixing-local',
  trial: 'tixing-local',
  release: 'tixing-prod',
};

export function cloudEnv(): string {
  try {
    const v = wx.getAccountInfoSync().miniProgram.envVersion as string;
    return v === 'develop' || v === 'trial' || v === 'release' ? CLOUD_ENVS[v] : CLOUD_ENVS.release;
  } catch {
    return CLOUD_ENVS.develop; // base library < 2.2.2, or a test without the API
  }
}

/** The environment this run uses (kept for callers that read a constant). */
export const CLOUD_ENV = cloudEnv();
