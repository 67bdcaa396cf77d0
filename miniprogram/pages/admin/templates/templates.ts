// Mini program admin page: templates — my templates (delete with confirmation, sync from WeChat), and adding one
// from WeChat's library: category → title → keywords (2 to 5, in card order) → scene description → add.
import { call, messageOf } from '../../../lib/api';
import {
  addErrorText, addProblem, deleteErrorText, keywordRows, MAX_KEYWORDS, MAX_SCENE_DESC, myTemplateRows, togglePick, KIND_TEXT,
} from '../../../lib/template-library';
import type { AddTemplateResponse, LibraryCategory, LibraryKeyword, LibraryTitle, TemplateView, TitlesResponse } from '../../../lib/types';
import { confirm, toast } from '../../../lib/ui';
import type { Ev, Tap } from '../../../lib/ui';

const PAGE = 30;

interface TitleRow { tid: number; title: string; kindText: string }

Component({
  data: {
    loading: true,
    error: '',
    mine: [] as ReturnType<typeof myTemplateRows>,
    categories: [] as LibraryCategory[],
    categoryIndex: -1,
    categoryName: '',
    titles: [] as TitleRow[],
    titlesCount: 0,
    titlesError: '',
    tid: 0,
    title: '',
    library: [] as LibraryKeyword[],
    keywords: [] as ReturnType<typeof keywordRows>,
    lastAdded: '',
    picked: [] as number[],
    sceneDesc: '',
    sceneLength: 0,
    problem: '',
    addError: '',
    busy: false,
    maxKeywords: MAX_KEYWORDS,
    maxScene: MAX_SCENE_DESC,
  },
  methods: {
    onLoad() {
      void this.refresh();
      void this.loadCategories();
    },
    onPullDownRefresh() {
      void this.refresh().then(() => wx.stopPullDownRefresh());
    },
    async refresh() {
      this.setData({ loading: true, error: '' });
      try {
        const { templates } = await call<{ templates: TemplateView[] }>('templates', 'list');
        this.setData({ mine: myTemplateRows(templates) });
      } catch (e) {
        this.setData({ error: messageOf(e) });
      }
      this.setData({ loading: false });
    },
    async loadCategories() {
      try {
        const { categories } = await call<{ categories: LibraryCategory[] }>('templates', 'categories');
        this.setData({ categories });
      } catch (e) {
        this.setData({ titlesError: messageOf(e) });
      }
    },
    async onCategory(e: Ev<{ value: string | number }>) {
      const index = Number(e.detail.value);
      const cat = this.data.categories[index];
      if (!cat) return;
      this.setData({ categoryIndex: index, categoryName: cat.name, titles: [], titlesCount: 0, tid: 0, title: '', keywords: [], picked: [], problem: '', addError: '' });
      await this.loadTitles(0);
    },
    async loadTitles(start: number) {
      const cat = this.data.categories[this.data.categoryIndex];
      if (!cat) return;
      this.setData({ titlesError: '' });
      try {
        const res = await call<TitlesResponse>('templates', 'titles', { categoryIds: [cat.id], start, limit: PAGE });
        const rows = res.titles.map((t: LibraryTitle): TitleRow => ({ tid: t.tid, title: t.title, kindText: KIND_TEXT[t.kind] }));
        this.setData({ titles: start === 0 ? rows : [...this.data.titles, ...rows], titlesCount: res.count });
      } catch (err) {
        this.setData({ titlesError: messageOf(err) });
      }
    },
    onMoreTitles() {
      void this.loadTitles(this.data.titles.length);
    },
    async onTitle(e: Tap<{ tid: number | string; title: string }>) {
      const tid = Number(e.currentTarget.dataset.tid);
      this.setData({ tid, title: e.currentTarget.dataset.title, keywords: [], picked: [], problem: '', addError: '', titlesError: '' });
      try {
        const { keywords } = await call<{ tid: number; keywords: LibraryKeyword[] }>('templates', 'keywords', { tid });
        this.setData({ library: keywords, keywords: keywordRows(keywords, []) });
      } catch (err) {
        this.setData({ titlesError: messageOf(err) });
      }
    },
    onBack() {
      this.setData({ tid: 0, title: '', library: [], keywords: [], picked: [], problem: '', addError: '' });
    },
    onKeyword(e: Tap<{ kid: number | string }>) {
      const { picked, refused } = togglePick(this.data.picked, Number(e.currentTarget.dataset.kid));
      if (refused) toast(`最多选择 ${MAX_KEYWORDS} 个关键词`);
      this.setData({ picked, keywords: keywordRows(this.data.library, picked), problem: '', addError: '' });
    },
    onScene(e: WechatMiniprogram.Input) {
      const sceneDesc = e.detail.value;
      this.setData({ sceneDesc, sceneLength: [...sceneDesc].length, problem: '', addError: '' });
    },
    async onAdd() {
      if (this.data.busy || !this.data.tid) return;
      const problem = addProblem(this.data.picked, this.data.sceneDesc);
      if (problem) {
        this.setData({ problem });
        return;
      }
      this.setData({ busy: true, addError: '' });
      try {
        const res = await call<AddTemplateResponse>('templates', 'add', { tid: this.data.tid, kidList: this.data.picked, sceneDesc: this.data.sceneDesc.trim() });
        toast('已添加', 'success');
        this.setData({ tid: 0, title: '', library: [], keywords: [], picked: [], sceneDesc: '', sceneLength: 0, lastAdded: res.templateId });
        await this.refresh();
      } catch (err) {
        this.setData({ addError: addErrorText(err) });
      }
      this.setData({ busy: false });
    },
    async onDelete(e: Tap<{ id: string; title: string }>) {
      const { id, title } = e.currentTarget.dataset;
      const yes = await confirm('删除模板', `确定删除“${title}”？删除后不能再用它发送消息。`, '删除', true);
      if (!yes) return;
      try {
        await call<{ templateId: string; deleted: true }>('templates', 'delete', { templateId: id });
        toast('已删除', 'success');
        await this.refresh();
      } catch (err) {
        this.setData({ error: deleteErrorText(err) });
      }
    },
    async onSync() {
      try {
        const r = await call<{ added: number; updated: number; removed: number }>('templates', 'sync');
        toast(`同步完成：新增 ${r.added}，更新 ${r.updated}，移除 ${r.removed}`);
        await this.refresh();
      } catch (err) {
        this.setData({ error: messageOf(err) });
      }
    },
  },
});
