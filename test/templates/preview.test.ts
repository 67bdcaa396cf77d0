// Unit: the card preview (title, keyword lines from content, page, footer) for the demo templates.
import { renderCard } from '../../core/template/preview';
import { EVENT_DATA } from '../sending/fakes';
import { declaredTemplate as template } from '../support/templates';

describe('renderCard', () => {
  it('renders the event reminder as the user reads it', () => {
    const { card, text } = renderCard(template('TPL_EVENT_REMINDER'), EVENT_DATA, 'pages/events/events?eventId=e1');
    expect(card).toEqual({
      title: '活动开始提醒',
      lines: [
        { label: '活动名称', value: '周末读书会' },
        { label: '开始时间', value: '2025年1月18日 15:00' },
        { label: '活动地点', value: '图书馆三楼' },
        { label: '温馨提示', value: '请提前10分钟到场' },
      ],
      page: 'pages/events/events?eventId=e1',
      footer: '进入小程序查看',
    });
    expect(text).toBe('活动开始提醒\n活动名称:周末读书会\n开始时间:2025年1月18日 15:00\n活动地点:图书馆三楼\n温馨提示:请提前10分钟到场\n进入小程序查看');
  });

  it('has no page and no footer when the card does not jump', () => {
    const { card, text } = renderCard(template('TPL_APPLY_RESULT'), { enum1: '已通过', name2: '张三' });
    expect(card.page).toBeNull();
    expect(card.footer).toBe('');
    expect(text).toBe('申请结果通知\n申请结果:已通过\n申请人:张三');
  });

  it('shows missing values as empty lines rather than failing', () => {
    const { card } = renderCard(template('TPL_NEW_ARRIVAL'), { thing1: '风衣' });
    expect(card.lines.map((l) => l.value)).toEqual(['风衣', '', '']);
  });
});
