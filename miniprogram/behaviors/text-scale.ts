import { textLook } from '../utils/text-scale';
import { textScale as currentTextScale } from '../utils/text-setting';
import { defineBehavior } from '../utils/page';

/**
 * Every page's text size: `textStyle` and `largeText`, bound on the page's root view
 * (`<view class="page {{largeText ? 'large-text' : ''}}" style="{{textStyle}}">`). Read when the page
 * is attached and again each time it shows, so a size chosen on 我的 holds on the pages behind it.
 */
export const textScale = defineBehavior()({
  data: textLook(1),
  lifetimes: {
    attached() {
      this.applyTextScale();
    },
  },
  pageLifetimes: {
    show() {
      this.applyTextScale();
    },
  },
  methods: {
    applyTextScale(): void {
      const look = textLook(currentTextScale());
      if (look.textStyle !== this.data.textStyle) this.setData(look);
    },
  },
});
