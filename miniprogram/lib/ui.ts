// Mini program lib: promise wrappers around wx's toast/modal/settings UI, shared by pages and components.

export function toast(title: string, icon: 'success' | 'none' = 'none'): void {
  wx.showToast({ title, icon, duration: 2000 });
}

export function alert(title: string, content: string): Promise<void> {
  return new Promise((resolve) => {
    wx.showModal({ title, content, showCancel: false, confirmText: '知道了', complete: () => resolve() });
  });
}

export function confirm(title: string, content: string, confirmText = '确定', danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText,
      ...(danger ? { confirmColor: '#e64340' } : {}),
      success: (r) => resolve(r.confirm),
      fail: () => resolve(false),
    });
  });
}

/**
 * [RSM-MD] [SUBSETTING] The main switch (20004) and "总是保持以上选择" can only be changed in the settings page.
 * Resolves with the subscriptions setting after the user comes back, when the client returns it.
 */
export function openSubscriptionSettings(): Promise<WechatMiniprogram.SubscriptionsSetting | null> {
  return new Promise((resolve) => {
    wx.openSetting({
      withSubscriptions: true,
      success: (r) => resolve((r as { subscriptionsSetting?: WechatMiniprogram.SubscriptionsSetting }).subscriptionsSetting ?? null),
      fail: () => resolve(null),
    });
  });
}

/** A modal that offers the settings page; resolves true when the user went there. */
export async function guideToSettings(title: string, content: string): Promise<boolean> {
  const go = await confirm(title, content, '去设置');
  if (go) await openSubscriptionSettings();
  return go;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** [SUBSETTING] wx.getSetting({ withSubscriptions: true }) → subscriptionsSetting, or null where unsupported. */
export function readSubscriptionsSetting(): Promise<WechatMiniprogram.SubscriptionsSetting | null> {
  return new Promise((resolve) => {
    wx.getSetting({
      withSubscriptions: true,
      success: (r) => resolve(r.subscriptionsSetting ?? null),
      fail: () => resolve(null),
    });
  });
}

type AnyObj = WechatMiniprogram.IAnyObject;
/** A tap whose bound node carries `data-*` attributes D. */
export type Tap<D extends AnyObj> = WechatMiniprogram.TouchEvent<AnyObj, AnyObj, D>;
/** A component event with `detail` T from a node carrying `data-*` attributes D. */
export type Ev<T extends AnyObj, D extends AnyObj = AnyObj> = WechatMiniprogram.CustomEvent<T, AnyObj, D>;
