/**
 * Typed definitions of the app's pages, components and behaviors. The typings infer `this.data`,
 * `setData` and every method from the options; what they cannot infer is an instance's own fields (a
 * timer, an id kept across retries, rows held outside `data` so they are not rendered). These helpers take
 * those fields as a type, so `this` needs no cast:
 *
 *   definePage<{ _timer?: number }>()({ data: {…}, behaviors: [loadable], methods: {…} })
 *
 * (Two calls, because TypeScript cannot infer the options' types once the fields are given.)
 */
import DataOption = WechatMiniprogram.Component.DataOption;
import PropertyOption = WechatMiniprogram.Component.PropertyOption;
import MethodOption = WechatMiniprogram.Component.MethodOption;
import BehaviorOption = WechatMiniprogram.Component.BehaviorOption;

/** A page or component (pages are components, so that they can use behaviors): `Component()` typed. */
export function definePage<TFields extends WechatMiniprogram.IAnyObject = object>() {
  return <TData extends DataOption, TProperty extends PropertyOption, TMethod extends MethodOption, TBehavior extends BehaviorOption = []>(
    options: WechatMiniprogram.Component.Options<TData, TProperty, TMethod, TBehavior, TFields>,
  ): string => Component(options);
}

/** A behavior shared by pages: `Behavior()` typed, its fields included. */
export function defineBehavior<TFields extends WechatMiniprogram.IAnyObject = object>() {
  return <TData extends DataOption, TProperty extends PropertyOption, TMethod extends MethodOption, TBehavior extends BehaviorOption = []>(
    options: WechatMiniprogram.Behavior.Options<TData, TProperty, TMethod, TBehavior, TFields>,
  ): WechatMiniprogram.Behavior.Identifier<TData, TProperty, TMethod, TBehavior> => Behavior(options);
}
