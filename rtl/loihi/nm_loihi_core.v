// nm_loihi_core - one Loihi-style CUBA compartment core, event driven.
//
// docs/loihi-core.md is the specification: synapse weights (section 4.1), dendritic
// accumulators per delay slot (4.2), the compartment update (5, in nm_loihi_cx.v),
// the step order START, DELIVER (per input-axon event POP, PTR, per synapse SYN_RD,
// SYN_WR), UPDATE (per compartment CX_RD, CX_UPD, CX_WR, per packet AX_RD, AX_OUT),
// DONE (6 and 8), the ten event counters (9) and the configuration port (10). The
// address decode follows regmap/nm_loihi_regmap.json through the generated
// regmap/nm_loihi_regmap.vh.
//
// Memories are SRAM-like arrays (one access per memory per cycle, data at the next
// edge). After reset the core clears them (the reset values of section 10) in InitLen
// cycles, one word per memory per cycle; busy_o is high meanwhile and the core refuses
// config accesses and ignores step_i (docs/loihi-core.md section 13).
module nm_loihi_core #(
  parameter NCOMP   = 1024,   // compartments, 4 .. 4096
  parameter NAXIN   = 4096,   // input axons, 4 .. 4096
  parameter NAXOUT  = 4096,   // axon-map entries, 4 .. 4096
  parameter NSYN    = 32768,  // synapse words, 4 .. 32768
  parameter NDSLOT  = 64,     // delay slots, 2 .. 64; NDSLOT * NCOMP <= 65536
  parameter NDPROF  = 32,     // decay profiles, 1 .. 32
  parameter NTPROF  = 8,      // threshold profiles, 1 .. 8
  parameter NSYNFMT = 16,     // synapse formats, 1 .. 16
  parameter INQ     = 4096    // input-queue depth, 2 .. 32768
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        step_i,          // start a step; sampled only while idle
  output wire        step_done_o,     // high during the single DONE cycle
  output wire        busy_o,          // a step runs, or the memories are being cleared
  input  wire        pkt_in_valid_i,  // packet into the input queue, any cycle
  /* verilator lint_off UNUSEDSIGNAL */
  input  wire [11:0] pkt_in_axon_i,   // input axon (taken mod NAXIN)
  /* verilator lint_on UNUSEDSIGNAL */
  output wire        inq_full_o,      // a packet now would be dropped
  output wire        pkt_out_valid_o, // high during AX_OUT
  input  wire        pkt_out_ready_i,
  output wire [7:0]  pkt_out_dx_o,
  output wire [7:0]  pkt_out_dy_o,
  output wire [11:0] pkt_out_axon_o,
  output wire [11:0] pkt_out_src_o,   // spiking compartment (for traces, not the wire)
  output wire [11:0] pkt_out_entry_o, // axon-map entry (idem)
  output wire        spike_valid_o,   // one cycle per spike, in CX_WR
  output wire [11:0] spike_comp_o,
  input  wire        cfg_req_i,       // config access, one per cycle
  input  wire        cfg_we_i,
  input  wire [19:0] cfg_addr_i,      // word address: region << 16 | offset
  input  wire [31:0] cfg_wdata_i,
  output wire        cfg_rvalid_o,    // response, the cycle after cfg_req_i
  output wire [31:0] cfg_rdata_o,
  output wire        cfg_err_o        // with cfg_rvalid_o: access refused
);
  `include "nm_loihi_regmap.vh"

  // ------------------------------------------------------------------ widths
  localparam CW  = $clog2(NCOMP);
  localparam AIW = $clog2(NAXIN);
  localparam AOW = $clog2(NAXOUT);
  localparam SW  = $clog2(NSYN);
  localparam DSW = $clog2(NDSLOT);
  localparam DPW = (NDPROF > 1)  ? $clog2(NDPROF)  : 1;
  localparam TPW = (NTPROF > 1)  ? $clog2(NTPROF)  : 1;
  localparam FW  = (NSYNFMT > 1) ? $clog2(NSYNFMT) : 1;
  localparam DAW = DSW + CW;                    // accumulator address {slot, compartment}
  localparam NDA = NDSLOT * NCOMP;
  localparam CxWords = NCOMP * 8;
  // the longest memory, cleared after reset
  localparam Init1   = (NDA > NSYN) ? NDA : NSYN;
  localparam Init2   = (Init1 > NAXIN) ? Init1 : NAXIN;
  localparam Init3   = (Init2 > NAXOUT) ? Init2 : NAXOUT;
  localparam Init4   = (Init3 > 32) ? Init3 : 32;
  localparam InitLen = Init4;
  localparam IW      = $clog2(InitLen);

  // stored bits of each word (reserved bits read 0 and ignore writes)
  localparam [31:0] MaskDprof  = 32'h3fff_ffff;  // DU 11:0, DV 23:12, REFRACT 29:24
  localparam [31:0] MaskTprof  = 32'h0001_ffff;  // VTH_MANT 16:0
  localparam [31:0] MaskSynfmt = 32'h0000_0f73;  // SIGN 1:0, NBITS_M1 6:4, WGT_EXP 11:8
  localparam [31:0] MaskCxCfg  = 32'h1fff_771f;  // DPROF 4:0, TPROF 10:8, BIAS_EXP 14:12, BIAS_MANT 28:16
  localparam [31:0] MaskCxAx   = 32'h00ff_0fff;  // BASE 11:0, LEN 23:16
  localparam [31:0] MaskInax   = 32'hffff_7fff;  // BASE 14:0, LEN 27:16, FMT 31:28
  localparam [31:0] MaskSyn    = 32'h03ff_ffff;  // COMP 11:0, WGT 19:12, DELAY 25:20
  localparam [31:0] MaskAxmap  = 32'h0fff_ffff;  // AXON 11:0, DX 19:12, DY 27:20
  localparam [31:0] SynfmtReset = 32'd7 << `NML_SYNFMT_CFG_NBITS_M1_LSB;

  localparam [3:0] StIdle = 4'd0, StStart = 4'd1, StPop = 4'd2, StPtr = 4'd3, StSynRd = 4'd4,
                   StSynWr = 4'd5, StCxRd = 4'd6, StCxUpd = 4'd7, StCxWr = 4'd8, StAxRd = 4'd9,
                   StAxOut = 4'd10, StDone = 4'd11;

  // ------------------------------------------------------------------ storage
  // SRAM-like arrays, cleared after reset by the init walk.
  /* verilator coverage_off */
  reg [29:0] dprof_q  [0:(1<<DPW)-1];
  reg [16:0] tprof_q  [0:(1<<TPW)-1];
  reg [11:0] synfmt_q [0:(1<<FW)-1];
  reg [28:0] cxcfg_q  [0:NCOMP-1];
  reg [23:0] cxax_q   [0:NCOMP-1];
  reg [23:0] u_q      [0:NCOMP-1];
  reg [23:0] v_q      [0:NCOMP-1];
  reg [5:0]  r_q      [0:NCOMP-1];
  reg [31:0] inax_q   [0:NAXIN-1];
  reg [25:0] syn_q    [0:NSYN-1];
  reg [27:0] axmap_q  [0:NAXOUT-1];
  reg [23:0] da_q     [0:NDA-1];
  /* verilator coverage_on */

  // Registers: reset.
  reg [3:0]      state_q;
  reg            init_q;                 // memories being cleared
  reg [IW-1:0]   init_idx_q;
  reg [31:0]     step_q;                 // CTRL.STEP
  reg [15:0]     nupd_q;                 // CTRL.NUPD
  reg [31:0]     cnt_q [0:9];            // event counters
  reg [15:0]     m_q;                    // events still to pop this step
  // Latched words whose reserved bits, and index bits above the geometry (indices are
  // taken mod the table sizes), go unused.
  /* verilator lint_off UNUSEDSIGNAL */
  // DELIVER
  reg [31:0]     inax_l;                 // INAXON word of the event
  reg [11:0]     fmt_l;                  // its synapse format
  reg [25:0]     syn_l;                  // the synapse word being processed
  reg [SW-1:0]   sidx_q;                 // next synapse word
  reg [11:0]     slen_q;                 // synapses left, the current one included
  reg [23:0]     x_q;                    // the synapse's scaled weight
  reg [DAW-1:0]  daddr_q;                // its accumulator
  reg [23:0]     dacc_q;                 // the accumulator's value
  // UPDATE
  reg [CW-1:0]   n_q;                    // compartment being updated
  reg [28:0]     cfg_l;
  reg [23:0]     ax_l;
  /* verilator lint_on UNUSEDSIGNAL */
  reg [23:0]     u_l, v_l, in_l;
  reg [5:0]      r_l;
  reg [23:0]     un_q, vn_q;             // results of CX_UPD
  reg [5:0]      rn_q;
  reg            spike_q, active_q;
  // SEND
  reg [AOW-1:0]  ent_q;                  // axon-map entry
  reg [7:0]      plen_q;                 // packets left, the current one included
  reg [27:0]     pkt_l;                  // AXMAP word of the packet

  wire busy_step = (state_q != StIdle);
  wire busy      = busy_step || init_q;
  wire [DSW-1:0] slot = step_q[DSW-1:0];

  // NUPD' = min(NUPD, NCOMP)
  wire [CW:0] nupd_eff = ({16'd0, nupd_q} > NCOMP) ? NCOMP[CW:0] : nupd_q[CW:0];
  wire        more_cx  = ({1'b0, n_q} + 1'b1) < nupd_eff;

  // ------------------------------------------------------------------ input queue
  wire [AIW-1:0] inq_head;
  wire [15:0]    inq_count;
  wire           inq_full, inq_accept, inq_drop;
  nm_loihi_inq #(.Depth(INQ), .Width(AIW)) u_inq (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .push_i   (pkt_in_valid_i),
    .data_i   (pkt_in_axon_i[AIW-1:0]),
    .pop_i    (state_q == StPop),
    .head_o   (inq_head),
    .count_o  (inq_count),
    .full_o   (inq_full),
    .accept_o (inq_accept),
    .drop_o   (inq_drop)
  );

  // ------------------------------------------------------------------ DELIVER datapath
  /* verilator lint_off UNUSEDSIGNAL */
  wire [14:0] ia_base = inax_l[`NML_INAXON_CFG_BASE_LSB +: 15];
  wire [11:0] ia_len  = inax_l[`NML_INAXON_CFG_LEN_LSB +: 12];
  wire [3:0]  ia_fmt  = inax_l[`NML_INAXON_CFG_FMT_LSB +: 4];
  wire [FW-1:0] fmt_idx = (NSYNFMT > 1) ? ia_fmt[FW-1:0] : {FW{1'b0}};

  wire [11:0] sy_comp  = syn_l[`NML_SYN_WORD_COMP_LSB +: 12];
  wire [7:0]  sy_wgt   = syn_l[`NML_SYN_WORD_WGT_LSB +: 8];
  wire [5:0]  sy_delay = syn_l[`NML_SYN_WORD_DELAY_LSB +: 6];
  /* verilator lint_on UNUSEDSIGNAL */
  wire [DSW-1:0] sy_slot = slot + sy_delay[DSW-1:0];
  wire [DAW-1:0] sy_addr = {sy_slot, sy_comp[CW-1:0]};
  wire [23:0] sy_x;
  nm_loihi_weight u_weight (
    .wgt_i      (sy_wgt),
    .sign_i     (fmt_l[`NML_SYNFMT_CFG_SIGN_LSB +: 2]),
    .nbits_m1_i (fmt_l[`NML_SYNFMT_CFG_NBITS_M1_LSB +: 3]),
    .wgt_exp_i  (fmt_l[`NML_SYNFMT_CFG_WGT_EXP_LSB +: 4]),
    .x_o        (sy_x)
  );

  // ------------------------------------------------------------------ UPDATE datapath
  wire [DAW-1:0] cx_da  = {slot, n_q};
  /* verilator lint_off UNUSEDSIGNAL */
  wire [4:0]  c_dprof   = cfg_l[`NML_CX_CFG_DPROF_LSB +: 5];
  wire [2:0]  c_tprof   = cfg_l[`NML_CX_CFG_TPROF_LSB +: 3];
  /* verilator lint_on UNUSEDSIGNAL */
  wire [DPW-1:0] dp_idx = (NDPROF > 1) ? c_dprof[DPW-1:0] : {DPW{1'b0}};
  wire [TPW-1:0] tp_idx = (NTPROF > 1) ? c_tprof[TPW-1:0] : {TPW{1'b0}};
  wire [29:0] dprof     = dprof_q[dp_idx];
  wire [16:0] vth_mant  = tprof_q[tp_idx];
  wire [23:0] cx_u, cx_v;
  wire [5:0]  cx_r;
  wire        cx_spike, cx_active;
  nm_loihi_cx u_cx (
    .u_i         (u_l),
    .v_i         (v_l),
    .r_i         (r_l),
    .in_i        (in_l),
    .du_i        (dprof[`NML_DPROF_CFG_DU_LSB +: 12]),
    .dv_i        (dprof[`NML_DPROF_CFG_DV_LSB +: 12]),
    .refract_i   (dprof[`NML_DPROF_CFG_REFRACT_LSB +: 6]),
    .vth_mant_i  (vth_mant),
    .bias_mant_i (cfg_l[`NML_CX_CFG_BIAS_MANT_LSB +: 13]),
    .bias_exp_i  (cfg_l[`NML_CX_CFG_BIAS_EXP_LSB +: 3]),
    .u_o         (cx_u),
    .v_o         (cx_v),
    .r_o         (cx_r),
    .spike_o     (cx_spike),
    .active_o    (cx_active)
  );
  wire [AOW-1:0] ax_base = ax_l[AOW-1:0];       // CX.AXMAP.BASE mod NAXOUT
  wire [7:0]     ax_len  = ax_l[`NML_CX_AXMAP_LEN_LSB +: 8];

  // ------------------------------------------------------------------ state machine
  wire [3:0] after_deliver = (nupd_eff != {(CW+1){1'b0}}) ? StCxRd : StDone;
  wire [3:0] next_event    = (m_q != 16'd0) ? StPop : after_deliver;
  wire [3:0] next_cx       = more_cx ? StCxRd : StDone;
  reg  [3:0] state_d;
  always @* begin
    state_d = state_q;
    case (state_q)
      StIdle:  if (step_i && !init_q) state_d = StStart;
      StStart: state_d = (inq_count != 16'd0) ? StPop : after_deliver;
      StPop:   state_d = StPtr;
      StPtr:   state_d = (ia_len != 12'd0) ? StSynRd : next_event;
      StSynRd: state_d = StSynWr;
      StSynWr: state_d = (slen_q != 12'd1) ? StSynRd : next_event;
      StCxRd:  state_d = StCxUpd;
      StCxUpd: state_d = StCxWr;
      StCxWr:  state_d = (spike_q && ax_len != 8'd0) ? StAxRd : next_cx;
      StAxRd:  state_d = StAxOut;
      StAxOut: if (pkt_out_ready_i) state_d = (plen_q != 8'd1) ? StAxRd : next_cx;
      StDone:  state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  // ------------------------------------------------------------------ config decode
  wire [3:0]  cfg_region = cfg_addr_i[19:16];
  wire [15:0] cfg_off    = cfg_addr_i[15:0];
  wire [31:0] off32      = {16'd0, cfg_off};
  wire [2:0]  cfg_word   = cfg_off[2:0];
  wire [CW-1:0] cfg_cx   = cfg_off[CW+2:3];

  reg map_ok;     // address mapped
  reg ro;         // read-only register
  reg any_time;   // readable while busy
  always @* begin
    map_ok = 1'b0;
    ro = 1'b0;
    any_time = 1'b0;
    case (cfg_region)
      `NML_REGION_CTRL: begin
        map_ok = (cfg_off < 16'd8);
        ro = (cfg_off <= `NML_CTRL_STATUS);
        any_time = ro;
      end
      `NML_REGION_COUNTER: begin
        map_ok = (cfg_off < 16'd10);
        any_time = 1'b1;
      end
      `NML_REGION_DPROF:  map_ok = (off32 < NDPROF);
      `NML_REGION_TPROF:  map_ok = (off32 < NTPROF);
      `NML_REGION_SYNFMT: map_ok = (off32 < NSYNFMT);
      `NML_REGION_CX: begin
        map_ok = (off32 < CxWords) && (cfg_word < 3'd6);
        ro = (cfg_word == `NML_CX_VHW);
      end
      `NML_REGION_INAXON: map_ok = (off32 < NAXIN);
      `NML_REGION_SYN:    map_ok = (off32 < NSYN);
      `NML_REGION_AXMAP:  map_ok = (off32 < NAXOUT);
      `NML_REGION_DA:     map_ok = (off32 < NDA);
      default:            map_ok = 1'b0;
    endcase
  end
  wire cfg_ok = map_ok && !(cfg_we_i && ro) && !(busy && (cfg_we_i || !any_time));
  wire cfg_wr = cfg_req_i && cfg_we_i && cfg_ok;
  wire [31:0] wd = cfg_wdata_i;

  wire [31:0] geom0 = {NAXIN[15:0], NCOMP[15:0]};
  wire [31:0] geom1 = {NSYN[15:0], NAXOUT[15:0]};
  wire [31:0] geom2 = {NSYNFMT[7:0], NTPROF[7:0], NDPROF[7:0], NDSLOT[7:0]};
  wire [31:0] geom3 = {16'd0, INQ[15:0]};
  wire [5:0]  rd_r  = r_q[cfg_cx];
  wire [23:0] vhw   = (rd_r != 6'd0) ? {11'd0, rd_r, 7'd0} : v_q[cfg_cx];

  reg [31:0] rd;
  integer k;
  always @* begin
    rd = 32'd0;
    case (cfg_region)
      `NML_REGION_CTRL:
        case (cfg_off[2:0])
          3'd0: rd = `NML_CTRL_ID_VALUE_RESET;
          3'd1: rd = geom0;
          3'd2: rd = geom1;
          3'd3: rd = geom2;
          3'd4: rd = geom3;
          3'd5: rd = {inq_count, 15'd0, busy};
          3'd6: rd = step_q;
          default: rd = {16'd0, nupd_q};
        endcase
      `NML_REGION_COUNTER:
        for (k = 0; k < 10; k = k + 1)
          if (cfg_off[3:0] == k[3:0]) rd = cnt_q[k];
      `NML_REGION_DPROF:  rd = {2'd0, dprof_q[cfg_off[DPW-1:0]]};
      `NML_REGION_TPROF:  rd = {15'd0, tprof_q[cfg_off[TPW-1:0]]};
      `NML_REGION_SYNFMT: rd = {20'd0, synfmt_q[cfg_off[FW-1:0]]};
      `NML_REGION_CX:
        case (cfg_word)
          3'd0: rd = {3'd0, cxcfg_q[cfg_cx]};
          3'd1: rd = {8'd0, cxax_q[cfg_cx]};
          3'd2: rd = {8'd0, u_q[cfg_cx]};
          3'd3: rd = {8'd0, v_q[cfg_cx]};
          3'd4: rd = {26'd0, rd_r};
          default: rd = {8'd0, vhw};
        endcase
      `NML_REGION_INAXON: rd = inax_q[cfg_off[AIW-1:0]];
      `NML_REGION_SYN:    rd = {6'd0, syn_q[cfg_off[SW-1:0]]};
      `NML_REGION_AXMAP:  rd = {4'd0, axmap_q[cfg_off[AOW-1:0]]};
      `NML_REGION_DA:     rd = {8'd0, da_q[cfg_off[DAW-1:0]]};
      default:            rd = 32'd0;
    endcase
  end

  reg        rvalid_q, err_q;
  reg [31:0] rdata_q;
  assign cfg_rvalid_o = rvalid_q;
  assign cfg_rdata_o  = rdata_q;
  assign cfg_err_o    = err_q;

  // ------------------------------------------------------------------ memories (no reset)
  // Priority: the init walk, then config writes (idle only), then the step's own writes.
  wire wr_dprof  = cfg_wr && cfg_region == `NML_REGION_DPROF;
  wire wr_tprof  = cfg_wr && cfg_region == `NML_REGION_TPROF;
  wire wr_synfmt = cfg_wr && cfg_region == `NML_REGION_SYNFMT;
  wire wr_cx     = cfg_wr && cfg_region == `NML_REGION_CX;
  wire wr_inax   = cfg_wr && cfg_region == `NML_REGION_INAXON;
  wire wr_syn    = cfg_wr && cfg_region == `NML_REGION_SYN;
  wire wr_axmap  = cfg_wr && cfg_region == `NML_REGION_AXMAP;
  wire wr_da     = cfg_wr && cfg_region == `NML_REGION_DA;

  always @(posedge clk_i) begin
    if (init_q) begin
      dprof_q[init_idx_q[DPW-1:0]]   <= 30'd0;
      tprof_q[init_idx_q[TPW-1:0]]   <= 17'd0;
      synfmt_q[init_idx_q[FW-1:0]]   <= SynfmtReset[11:0];
      cxcfg_q[init_idx_q[CW-1:0]]    <= 29'd0;
      cxax_q[init_idx_q[CW-1:0]]     <= 24'd0;
      u_q[init_idx_q[CW-1:0]]        <= 24'd0;
      v_q[init_idx_q[CW-1:0]]        <= 24'd0;
      r_q[init_idx_q[CW-1:0]]        <= 6'd0;
      inax_q[init_idx_q[AIW-1:0]]    <= 32'd0;
      syn_q[init_idx_q[SW-1:0]]      <= 26'd0;
      axmap_q[init_idx_q[AOW-1:0]]   <= 28'd0;
      da_q[init_idx_q[DAW-1:0]]      <= 24'd0;
    end else begin
      if (wr_dprof)  dprof_q[cfg_off[DPW-1:0]]  <= wd[29:0] & MaskDprof[29:0];
      if (wr_tprof)  tprof_q[cfg_off[TPW-1:0]]  <= wd[16:0] & MaskTprof[16:0];
      if (wr_synfmt) synfmt_q[cfg_off[FW-1:0]]  <= wd[11:0] & MaskSynfmt[11:0];
      if (wr_inax)   inax_q[cfg_off[AIW-1:0]]   <= wd & MaskInax;
      if (wr_syn)    syn_q[cfg_off[SW-1:0]]     <= wd[25:0] & MaskSyn[25:0];
      if (wr_axmap)  axmap_q[cfg_off[AOW-1:0]]  <= wd[27:0] & MaskAxmap[27:0];
      if (wr_cx) begin
        case (cfg_word)
          3'd0: cxcfg_q[cfg_cx] <= wd[28:0] & MaskCxCfg[28:0];
          3'd1: cxax_q[cfg_cx]  <= wd[23:0] & MaskCxAx[23:0];
          3'd2: u_q[cfg_cx]     <= wd[23:0];
          3'd3: v_q[cfg_cx]     <= wd[23:0];
          3'd4: r_q[cfg_cx]     <= wd[5:0];
          default: ;
        endcase
      end
      // accumulators: config write, a synapse (SYN_WR) or the consuming update (CX_WR)
      if (wr_da)                     da_q[cfg_off[DAW-1:0]] <= wd[23:0];
      else if (state_q == StSynWr)   da_q[daddr_q] <= dacc_q + x_q;
      else if (state_q == StCxWr)    da_q[cx_da] <= 24'd0;
      if (state_q == StCxWr) begin
        u_q[n_q] <= un_q;
        v_q[n_q] <= vn_q;
        r_q[n_q] <= rn_q;
      end
    end
    // memory reads of the step (latched: the data is there the next cycle)
    case (state_q)
      StPop:   inax_l <= inax_q[inq_head];
      StPtr: begin
        fmt_l <= synfmt_q[fmt_idx];
        syn_l <= syn_q[ia_base[SW-1:0]];
      end
      StSynRd: begin
        x_q     <= sy_x;
        daddr_q <= sy_addr;
        dacc_q  <= da_q[sy_addr];
      end
      StSynWr: syn_l <= syn_q[sidx_q];
      StCxRd: begin
        cfg_l <= cxcfg_q[n_q];
        ax_l  <= cxax_q[n_q];
        u_l   <= u_q[n_q];
        v_l   <= v_q[n_q];
        r_l   <= r_q[n_q];
        in_l  <= da_q[cx_da];
      end
      StCxUpd: begin
        un_q     <= cx_u;
        vn_q     <= cx_v;
        rn_q     <= cx_r;
        spike_q  <= cx_spike;
        active_q <= cx_active;
      end
      StAxRd:  pkt_l <= axmap_q[ent_q];
      default: ;
    endcase
  end

  // ------------------------------------------------------------------ registers
  reg [9:0] inc;   // counter increments this cycle
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      init_q     <= 1'b1;
      init_idx_q <= {IW{1'b0}};
      step_q     <= `NML_CTRL_STEP_COUNT_RESET;
      nupd_q     <= `NML_CTRL_NUPD_COUNT_RESET;
      m_q        <= 16'd0;
      sidx_q     <= {SW{1'b0}};
      slen_q     <= 12'd0;
      n_q        <= {CW{1'b0}};
      ent_q      <= {AOW{1'b0}};
      plen_q     <= 8'd0;
      rvalid_q   <= 1'b0;
      err_q      <= 1'b0;
      rdata_q    <= 32'd0;
      for (k = 0; k < 10; k = k + 1) cnt_q[k] <= 32'd0;
    end else begin
      state_q <= state_d;
      if (init_q) begin
        init_idx_q <= init_idx_q + 1'b1;
        if (init_idx_q == InitLen[IW-1:0] - 1'b1) init_q <= 1'b0;
      end

      // config response and register writes
      rvalid_q <= cfg_req_i;
      err_q    <= cfg_req_i && !cfg_ok;
      rdata_q  <= (cfg_req_i && cfg_ok && !cfg_we_i) ? rd : 32'd0;
      if (cfg_wr && cfg_region == `NML_REGION_CTRL && cfg_off[2:0] == `NML_CTRL_STEP)
        step_q <= wd;
      if (cfg_wr && cfg_region == `NML_REGION_CTRL && cfg_off[2:0] == `NML_CTRL_NUPD)
        nupd_q <= wd[15:0];

      case (state_q)
        StStart: begin
          step_q <= step_q + 32'd1;
          m_q    <= inq_count;
          n_q    <= {CW{1'b0}};
        end
        StPop: m_q <= m_q - 16'd1;
        StPtr: begin
          sidx_q <= ia_base[SW-1:0] + 1'b1;
          slen_q <= ia_len;
        end
        StSynWr: begin
          sidx_q <= sidx_q + 1'b1;
          slen_q <= slen_q - 12'd1;
        end
        StCxWr: begin
          ent_q  <= ax_base;
          plen_q <= ax_len;
          if (state_d == StCxRd) n_q <= n_q + 1'b1;
        end
        StAxOut: if (pkt_out_ready_i) begin
          ent_q  <= ent_q + 1'b1;
          plen_q <= plen_q - 8'd1;
          if (state_d == StCxRd) n_q <= n_q + 1'b1;
        end
        default: ;
      endcase

      // event counters (a config write to a counter wins over its increment)
      for (k = 0; k < 10; k = k + 1) begin
        if (cfg_wr && cfg_region == `NML_REGION_COUNTER && cfg_off[3:0] == k[3:0])
          cnt_q[k] <= wd;
        else
          cnt_q[k] <= cnt_q[k] + {31'd0, inc[k]};
      end
    end
  end

  always @* begin
    inc = 10'd0;
    inc[`NML_COUNTER_AXON_EVENTS]  = (state_q == StPop);
    inc[`NML_COUNTER_SYN_OPS]      = (state_q == StSynWr);
    inc[`NML_COUNTER_CX_UPDATES]   = (state_q == StCxWr);
    inc[`NML_COUNTER_CX_ACTIVE]    = (state_q == StCxWr) && active_q;
    inc[`NML_COUNTER_SPIKES]       = (state_q == StCxWr) && spike_q;
    inc[`NML_COUNTER_PKTS_OUT]     = (state_q == StAxOut) && pkt_out_ready_i;
    inc[`NML_COUNTER_PKTS_IN]      = inq_accept;
    inc[`NML_COUNTER_IN_DROPS]     = inq_drop;
    inc[`NML_COUNTER_BUSY_CYCLES]  = busy_step;
    inc[`NML_COUNTER_STALL_CYCLES] = (state_q == StAxOut) && !pkt_out_ready_i;
  end

`ifdef NM_ASSERT
  // Simulation-only checks (docs/verification.md, docs/loihi-core.md section 13): never
  // synthesized.
  // - One step per barrier: a step request while the core is busy (a step runs or the
  //   memories are being cleared) would be ignored, so whoever issued it (the chip's
  //   barrier) started a step before the last one had finished.
  // - The refractory counter (section 5): in CX_WR a compartment that spiked loads its
  //   profile's refractDelay, any other counts down by one and stops at 0; while the
  //   counter is non-zero v is held at 0.
  wire [5:0] a_refract = dprof[`NML_DPROF_CFG_REFRACT_LSB +: 6];
  wire [5:0] a_r_next  = spike_q ? a_refract : ((r_l != 6'd0) ? r_l - 6'd1 : 6'd0);
  always @(posedge clk_i or negedge rst_ni) begin
    if (rst_ni) begin
      if (step_i && busy) begin
        $display("nm_assert: %m: step request while the core is busy (state %0d, clearing memories %0d): one step per barrier",
                 state_q, init_q);
        $stop;
      end
      if (state_q == StCxWr && rn_q != a_r_next) begin
        $display("nm_assert: %m: compartment %0d: refractory counter %0d -> %0d, expected %0d (spiked %0d, refractDelay %0d)",
                 n_q, r_l, rn_q, a_r_next, spike_q, a_refract);
        $stop;
      end
      if (state_q == StCxWr && rn_q != 6'd0 && vn_q != 24'd0) begin
        $display("nm_assert: %m: compartment %0d: v = %0d while refractory (counter %0d): v must be held at 0",
                 n_q, $signed(vn_q), rn_q);
        $stop;
      end
    end
  end
`endif

  // ------------------------------------------------------------------ outputs
  /* verilator lint_off UNUSEDSIGNAL */
  wire [31:0] n32   = {{(32-CW){1'b0}}, n_q};
  wire [31:0] ent32 = {{(32-AOW){1'b0}}, ent_q};
  /* verilator lint_on UNUSEDSIGNAL */
  assign step_done_o     = (state_q == StDone);
  assign busy_o          = busy;
  assign inq_full_o      = inq_full;
  assign pkt_out_valid_o = (state_q == StAxOut);
  assign pkt_out_axon_o  = pkt_l[`NML_AXMAP_ENTRY_AXON_LSB +: 12];
  assign pkt_out_dx_o    = pkt_l[`NML_AXMAP_ENTRY_DX_LSB +: 8];
  assign pkt_out_dy_o    = pkt_l[`NML_AXMAP_ENTRY_DY_LSB +: 8];
  assign pkt_out_src_o   = n32[11:0];
  assign pkt_out_entry_o = ent32[11:0];
  assign spike_valid_o   = (state_q == StCxWr) && spike_q;
  assign spike_comp_o    = n32[11:0];
endmodule
