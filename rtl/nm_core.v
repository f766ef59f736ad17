// nm_core - one TrueNorth-mode neurosynaptic core, event driven.
//
// docs/neuron-model.md is the specification: the neuron equations (Cassidy et al.
// 2013), the xorshift32 PRNG and its draw order, the 16-row delay scheduler, the cycle
// model (START, then per neuron READ, one INTEG cycle per synaptic event, LEAK,
// THRESH, WRITE, SEND if it fired, then DONE) and the eight event counters.
// The config port decode follows regmap/nm_regmap.json through the generated
// regmap/nm_regmap.vh.
module nm_core #(
  parameter NumAxons   = 256,   // 32, 64, 128 or 256
  parameter NumNeurons = 256    // 1 .. 256
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        tick_i,          // start a tick; sampled only while idle
  output wire        tick_done_o,     // high during the single DONE cycle
  output wire        busy_o,          // not idle
  input  wire        pkt_in_valid_i,  // packet into the scheduler; always accepted
  output wire        pkt_in_ready_o,
  input  wire [7:0]  pkt_in_axon_i,
  input  wire [3:0]  pkt_in_delay_i,
  output wire        pkt_out_valid_o, // high during SEND
  input  wire        pkt_out_ready_i,
  output wire [8:0]  pkt_out_dx_o,
  output wire [8:0]  pkt_out_dy_o,
  output wire [7:0]  pkt_out_axon_o,
  output wire [3:0]  pkt_out_delay_o,
  output wire        trace_valid_o,   // one cycle per spike, in the WRITE cycle
  output wire [7:0]  trace_neuron_o,
  input  wire        cfg_req_i,       // config access, one per cycle
  input  wire        cfg_we_i,
  input  wire [15:0] cfg_addr_i,      // word address: region << 12 | offset
  input  wire [31:0] cfg_wdata_i,
  output wire        cfg_rvalid_o,    // response, the cycle after cfg_req_i
  output wire [31:0] cfg_rdata_o,
  output wire        cfg_err_o        // with cfg_rvalid_o: access refused
);
  `include "nm_regmap.vh"

  localparam NW     = (NumNeurons > 1) ? $clog2(NumNeurons) : 1;
  localparam XWords = NumAxons / 32;   // 32-bit words per crossbar or scheduler row
  localparam TWords = NumAxons / 16;   // 32-bit words of axon types
  localparam AxW    = $clog2(NumAxons); // axon index bits, 5 .. 8
  localparam AccW   = 24;              // integration accumulator (docs: section 4)
  localparam [AccW-1:0] VMax = 24'sd524287;
  localparam [AccW-1:0] VMin = -24'sd524288;

  localparam [3:0] StIdle = 4'd0, StStart = 4'd1, StRead = 4'd2, StInteg = 4'd3,
                   StLeak = 4'd4, StThresh = 4'd5, StWrite = 4'd6, StSend = 4'd7,
                   StDone = 4'd8;

  // ------------------------------------------------------------------ storage
  // SRAM-like arrays: not reset, programmed through the config port.
  // (kept out of Verilator toggle coverage, `make coverage`: a million data bits per
  // chip whose toggles say nothing about the control logic; docs/verification.md)
  /* verilator coverage_off */
  reg [NumAxons-1:0]   xbar_q  [0:NumNeurons-1];
  reg [2*NumAxons-1:0] types_q;                 // axon a: bits 2a+1 .. 2a
  reg [26:0]           syn_q   [0:NumNeurons-1];  // NEURON.SYN
  reg [31:0]           mode_q  [0:NumNeurons-1];  // NEURON.MODE
  reg [17:0]           alpha_q [0:NumNeurons-1];
  reg [17:0]           beta_q  [0:NumNeurons-1];
  reg [17:0]           rst_q   [0:NumNeurons-1];  // R
  reg [29:0]           dest_q  [0:NumNeurons-1];
  reg [19:0]           v_q     [0:NumNeurons-1];
  // Registers: reset.
  reg [NumAxons-1:0]   sched_q [0:15];
  /* verilator coverage_on */
  reg [NumAxons-1:0]   act_q;                   // A, latched at START
  reg [3:0]            cur_q;
  reg [31:0]           prng_q;
  // the eight event counters, one register each (not an array: a cycle-based simulator
  // then updates each in place, only when it counts; docs/performance.md, fourth step)
  reg [31:0]           cnt0_q, cnt1_q, cnt2_q, cnt3_q, cnt4_q, cnt5_q, cnt6_q, cnt7_q;
  reg [3:0]            state_q;
  reg [NW-1:0]         n_q;                     // neuron being updated
  reg [NumAxons-1:0]   hits_q;                  // its remaining synaptic events
  reg [AccW-1:0]       acc_q;                   // its V in the making
  reg                  fire_q;
  // Parameters of the neuron being updated, read in READ.
  reg [26:0]           syn_l;
  reg [31:0]           mode_l;
  reg [17:0]           alpha_l, beta_l, rst_l;
  reg [29:0]           dest_l;

  reg [7:0]            inc;                     // counter increments this cycle

  wire busy = (state_q != StIdle);
  wire last_neuron = (n_q == NumNeurons[NW-1:0] - 1'b1) || (NumNeurons == 1);

  // ------------------------------------------------------------------ helpers
  function [AccW-1:0] clamp20;
    input [AccW-1:0] v;
    begin
      if ($signed(v) > $signed(VMax))      clamp20 = VMax;
      else if ($signed(v) < $signed(VMin)) clamp20 = VMin;
      else                                 clamp20 = v;
    end
  endfunction

  function [31:0] xorshift32;
    input [31:0] x;
    reg [31:0] t;
    begin
      t = x ^ (x << 13);
      t = t ^ (t >> 17);
      xorshift32 = t ^ (t << 5);
    end
  endfunction

  // 9-bit signed weight or leak w, with a random byte rho: sgn(w) if |w| >= rho, else 0.
  function [AccW-1:0] stoch_step;
    input [8:0] w;
    input [7:0] rho;
    reg [8:0] mag;
    begin
      mag = w[8] ? (~w + 9'd1) : w;            // |w|, 0..256 (9 bits unsigned)
      if (w == 9'd0 || mag < {1'b0, rho}) stoch_step = {AccW{1'b0}};
      else if (w[8])                      stoch_step = {AccW{1'b1}};   // -1
      else                                stoch_step = {{(AccW-1){1'b0}}, 1'b1};
    end
  endfunction

  // ------------------------------------------------------------------ decode of the neuron
  wire [3:0] b_bits   = mode_l[`NM_NEURON_MODE_B_LSB +: `NM_NEURON_MODE_B_WIDTH];
  wire [8:0] lambda   = mode_l[`NM_NEURON_MODE_LAMBDA_LSB +: `NM_NEURON_MODE_LAMBDA_WIDTH];
  wire       c_lambda = mode_l[`NM_NEURON_MODE_C_LAMBDA_LSB];
  wire       epsilon  = mode_l[`NM_NEURON_MODE_EPSILON_LSB];
  wire [1:0] gamma    = mode_l[`NM_NEURON_MODE_GAMMA_LSB +: `NM_NEURON_MODE_GAMMA_WIDTH];
  wire       kappa    = mode_l[`NM_NEURON_MODE_KAPPA_LSB];
  wire [4:0] tm       = mode_l[`NM_NEURON_MODE_TM_LSB +: `NM_NEURON_MODE_TM_WIDTH];

  // Only the state that uses a datapath result computes it; in every other state the
  // results are 0 and unused. (Same function as one always-on datapath; a cycle-based
  // simulator such as Verilator then evaluates one state's logic per cycle, not all of
  // it: docs/performance.md, "The Verilated chip's speed".)
  //
  // INTEG: the next synaptic event is the lowest set bit of hits_q, found by a
  // two-level priority encoder: the lowest non-zero 32-bit word, then the lowest set
  // bit of that word. ev_last: it is the neuron's last event (one bit left).
  localparam WSelW = 3;                    // word index, XWords <= 8
  reg  [XWords-1:0]   ev_nz;               // word w of hits_q is non-zero
  reg  [WSelW-1:0]    ev_wsel;
  // (8-bit forms of axon indices: the bits above AxW stay 0 in a smaller core)
  /* verilator lint_off UNUSEDSIGNAL */
  reg  [7:0]          ev_base;             // first axon of the selected word
  reg  [7:0]          ev_axon8;
  /* verilator lint_on UNUSEDSIGNAL */
  reg  [31:0]         ev_word, ev_low;
  reg  [4:0]          ev_bit;
  reg                 ev_last;
  reg  [1:0]          ev_type;
  reg  [8:0]          ev_weight;
  reg                 ev_stoch;
  integer             ew;
  wire [AxW-1:0]      ev_axon = ev_axon8[AxW-1:0];
  always @* begin
    ev_nz     = {XWords{1'b0}};
    ev_wsel   = {WSelW{1'b0}};
    ev_base   = 8'd0;
    ev_word   = 32'd0;
    ev_low    = 32'd0;
    ev_bit    = 5'd0;
    ev_axon8  = 8'd0;
    ev_last   = 1'b0;
    ev_type   = 2'd0;
    ev_weight = 9'd0;
    ev_stoch  = 1'b0;
    if (state_q == StInteg) begin
      for (ew = 0; ew < XWords; ew = ew + 1)
        ev_nz[ew] = |hits_q[32*ew +: 32];
      for (ew = XWords - 1; ew >= 0; ew = ew - 1)
        if (ev_nz[ew]) ev_wsel = ew[WSelW-1:0];
      ev_base  = {ev_wsel, 5'd0};
      ev_word  = hits_q[ev_base[AxW-1:0] +: 32];
      ev_low   = ev_word & (~ev_word + 32'd1);
      ev_bit   = {|(ev_low & 32'hffff0000), |(ev_low & 32'hff00ff00), |(ev_low & 32'hf0f0f0f0),
                  |(ev_low & 32'hcccccccc), |(ev_low & 32'haaaaaaaa)};
      ev_axon8 = ev_base | {3'd0, ev_bit};
      ev_last  = ((ev_word & (ev_word - 32'd1)) == 32'd0) &&
                 ((ev_nz & (ev_nz - {{(XWords-1){1'b0}}, 1'b1})) == {XWords{1'b0}});
      ev_type  = types_q[{ev_axon, 1'b0} +: 2];
      case (ev_type)
        2'd0:    ev_weight = syn_l[`NM_NEURON_SYN_S0_LSB +: 9];
        2'd1:    ev_weight = syn_l[`NM_NEURON_SYN_S1_LSB +: 9];
        2'd2:    ev_weight = syn_l[`NM_NEURON_SYN_S2_LSB +: 9];
        default: ev_weight = mode_l[`NM_NEURON_MODE_S3_LSB +: 9];
      endcase
      ev_stoch = b_bits[ev_type];
    end
  end

  wire [31:0] draw = xorshift32(prng_q);

  // LEAK: clamp the integration, then leak (with reversal) and clamp again.
  wire [AccW-1:0] lambda_x = {{(AccW-9){lambda[8]}}, lambda};
  reg  [AccW-1:0] v_int, leak_amt, leak_signed, v_leak;
  always @* begin
    v_int       = {AccW{1'b0}};
    leak_amt    = {AccW{1'b0}};
    leak_signed = {AccW{1'b0}};
    v_leak      = {AccW{1'b0}};
    if (state_q == StLeak) begin
      v_int    = clamp20(acc_q);
      leak_amt = c_lambda ? stoch_step(lambda, draw[7:0]) : lambda_x;
      if (!epsilon)                 leak_signed = leak_amt;           // Omega = 1
      else if (v_int == 0)          leak_signed = {AccW{1'b0}};       // Omega = 0
      else if (v_int[AccW-1])       leak_signed = -leak_amt;          // Omega = -1
      else                          leak_signed = leak_amt;           // Omega = +1
      v_leak = clamp20(v_int + leak_signed);
    end
  end

  // THRESH: eta = draw & M when tm != 0; fire, reset, negative threshold.
  wire [AccW-1:0] beta_x  = {{(AccW-18){1'b0}}, beta_l};
  wire [AccW-1:0] r_x     = {{(AccW-18){rst_l[17]}}, rst_l};
  reg  [4:0]      tm_eff;
  reg  [16:0]     mask_m, eta;
  reg  [AccW-1:0] a_eta, b_eta, v_thr;
  reg             fires;
  always @* begin
    tm_eff = 5'd0;
    mask_m = 17'd0;
    eta    = 17'd0;
    a_eta  = {AccW{1'b0}};
    b_eta  = {AccW{1'b0}};
    fires  = 1'b0;
    v_thr  = acc_q;
    if (state_q == StThresh) begin
      tm_eff = (tm > 5'd17) ? 5'd17 : tm;
      mask_m = ~(17'h1ffff << tm_eff);
      eta    = (tm != 5'd0) ? (draw[16:0] & mask_m) : 17'd0;
      a_eta  = {{(AccW-18){1'b0}}, alpha_l} + {{(AccW-17){1'b0}}, eta};
      b_eta  = {{(AccW-18){1'b0}}, beta_l} + {{(AccW-17){1'b0}}, eta};
      fires  = $signed(acc_q) >= $signed(a_eta);
      if (fires) begin
        case (gamma)
          2'd0:    v_thr = r_x;
          2'd1:    v_thr = acc_q - a_eta;
          default: v_thr = acc_q;
        endcase
      end else if (kappa) begin
        if ($signed(acc_q) < $signed(-beta_x)) v_thr = -beta_x;
      end else if ($signed(acc_q) < $signed(-b_eta)) begin
        case (gamma)
          2'd0:    v_thr = -r_x;
          2'd1:    v_thr = acc_q + b_eta;
          default: v_thr = acc_q;
        endcase
      end
    end
  end

  // ------------------------------------------------------------------ state machine
  // state_d: the next state in every state but IDLE, which leaves for START when
  // tick_i is high (decided in the register block below). tick_i comes from the chip's
  // pins through the tick barrier; kept out of this logic, the next-state logic depends
  // only on the core's own registers, so a cycle-based simulator evaluates it once per
  // clock edge instead of at every change of the chip's inputs (docs/performance.md).
  reg [3:0] state_d;
  always @* begin
    state_d = state_q;
    case (state_q)
      StIdle:   state_d = StIdle;
      StStart:  state_d = StRead;
      StRead:   state_d = |(xbar_q[n_q] & act_q) ? StInteg : StLeak;
      StInteg:  if (ev_last) state_d = StLeak;
      StLeak:   state_d = StThresh;
      StThresh: state_d = StWrite;
      StWrite:  state_d = fire_q ? StSend : (last_neuron ? StDone : StRead);
      StSend:   if (pkt_out_ready_i) state_d = last_neuron ? StDone : StRead;
      StDone:   state_d = StIdle;
      default:  state_d = StIdle;
    endcase
  end

  wire stoch_draw = (state_q == StInteg && ev_stoch) ||
                    (state_q == StLeak && c_lambda) ||
                    (state_q == StThresh && tm != 5'd0);

  // Packet input: row (cur + delay), the old cur during START (docs section 5).
  wire       pkt_ok  = pkt_in_valid_i && ({1'b0, pkt_in_axon_i} < NumAxons[8:0]);
  wire [3:0] pkt_row = cur_q + pkt_in_delay_i;
  wire [3:0] next_cur = cur_q + 4'd1;

  // ------------------------------------------------------------------ config decode
  wire [3:0]  cfg_region = cfg_addr_i[15:12];
  wire [11:0] cfg_off    = cfg_addr_i[11:0];
  wire [8:0]  cfg_elem   = cfg_off[11:3];   // neuron, crossbar row or scheduler row
  wire [2:0]  cfg_word   = cfg_off[2:0];
  wire [NW-1:0] cfg_n    = cfg_elem[NW-1:0];
  wire        elem_ok    = ({23'd0, cfg_elem} < NumNeurons);
  // First axon of a 32-bit crossbar or scheduler word, and first bit of an axon-type
  // word, sized to index the NumAxons-wide rows (only mapped words are ever used).
  wire [AxW-1:0] ax_base;
  wire [AxW:0]   ty_base = {cfg_off[AxW-5:0], 5'd0};
  generate
    if (AxW > 5) begin : g_ax_base
      assign ax_base = {cfg_word[AxW-6:0], 5'd0};
    end else begin : g_ax_base_one
      assign ax_base = {AxW{1'b0}};             // 32 axons: one word per row
    end
  endgenerate

  // The access check: computed only when there is an access (every use of cfg_ok and
  // cfg_wr is with cfg_req_i). The decode's temporaries are local to the block, so a
  // cycle-based simulator keeps them out of the model's state and evaluates this at
  // every change of the chip's pins as two stores and a test (docs/performance.md,
  // fourth step).
  reg cfg_ok;   // with cfg_req_i: the access is allowed
  reg cfg_wr;   // an allowed write
  always @* begin : cfg_check
    reg map_ok;      // address mapped
    reg ro;          // read-only register
    reg idle_only;   // access needs an idle core
    cfg_ok = 1'b0;
    cfg_wr = 1'b0;
    if (cfg_req_i) begin
      map_ok = 1'b0;
      ro = 1'b0;
      idle_only = 1'b1;
      case (cfg_region)
        `NM_REGION_CTRL: begin
          map_ok = (cfg_off < 12'd5);
          ro = (cfg_off <= `NM_CTRL_STATUS);
          idle_only = cfg_we_i;
        end
        `NM_REGION_COUNTER: begin
          map_ok = (cfg_off < 12'd8);
          idle_only = cfg_we_i;
        end
        `NM_REGION_AXTYPE: map_ok = ({20'd0, cfg_off} < TWords);
        `NM_REGION_XBAR:   map_ok = elem_ok && ({29'd0, cfg_word} < XWords);
        `NM_REGION_NEURON: map_ok = elem_ok && (cfg_word < 3'd7);
        `NM_REGION_SCHED:  map_ok = (cfg_elem < 9'd16) && ({29'd0, cfg_word} < XWords);
        default:           map_ok = 1'b0;
      endcase
      cfg_ok = map_ok && !(cfg_we_i && ro) && !(idle_only && busy);
      cfg_wr = cfg_we_i && cfg_ok;
    end
  end

  reg        rvalid_q, err_q;
  reg [31:0] rdata_q;
  assign cfg_rvalid_o = rvalid_q;
  assign cfg_rdata_o  = rdata_q;
  assign cfg_err_o    = err_q;

  // ------------------------------------------------------------------ memories (no reset)
  always @(posedge clk_i) begin
    if (cfg_wr) begin
      case (cfg_region)
        `NM_REGION_AXTYPE: types_q[ty_base +: 32] <= cfg_wdata_i;
        `NM_REGION_XBAR:   xbar_q[cfg_n][ax_base +: 32] <= cfg_wdata_i;
        `NM_REGION_NEURON:
          case (cfg_word)
            3'd0: syn_q[cfg_n]   <= cfg_wdata_i[26:0];
            3'd1: mode_q[cfg_n]  <= cfg_wdata_i;
            3'd2: alpha_q[cfg_n] <= cfg_wdata_i[17:0];
            3'd3: beta_q[cfg_n]  <= cfg_wdata_i[17:0];
            3'd4: rst_q[cfg_n]   <= cfg_wdata_i[17:0];
            3'd5: dest_q[cfg_n]  <= cfg_wdata_i[29:0];
            3'd6: v_q[cfg_n]     <= cfg_wdata_i[19:0];
            default: ;
          endcase
        default: ;
      endcase
    end
    if (state_q == StWrite) v_q[n_q] <= acc_q[19:0];
    if (state_q == StRead) begin
      syn_l   <= syn_q[n_q];
      mode_l  <= mode_q[n_q];
      alpha_l <= alpha_q[n_q];
      beta_l  <= beta_q[n_q];
      rst_l   <= rst_q[n_q];
      dest_l  <= dest_q[n_q];
    end
  end

  // ------------------------------------------------------------------ registers
  integer k;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= StIdle;
      cur_q    <= 4'd0;
      prng_q   <= 32'd1;
      n_q      <= {NW{1'b0}};
      hits_q   <= {NumAxons{1'b0}};
      act_q    <= {NumAxons{1'b0}};
      acc_q    <= {AccW{1'b0}};
      fire_q   <= 1'b0;
      rvalid_q <= 1'b0;
      err_q    <= 1'b0;
      rdata_q  <= 32'd0;
      for (k = 0; k < 16; k = k + 1) sched_q[k] <= {NumAxons{1'b0}};
    end else begin
      state_q <= (state_q == StIdle && tick_i) ? StStart : state_d;

      // config response and register writes
      rvalid_q <= cfg_req_i;
      err_q    <= cfg_req_i && !cfg_ok;
      // the read data: the read mux is evaluated at the clock edge of a read only
      rdata_q  <= 32'd0;
      if (cfg_req_i && cfg_ok && !cfg_we_i) case (cfg_region)
        `NM_REGION_CTRL:
          case (cfg_off[2:0])
            3'd0: rdata_q <= `NM_CTRL_ID_VALUE_RESET;
            3'd1: rdata_q <= {NumNeurons[15:0], NumAxons[15:0]};
            3'd2: rdata_q <= {24'd0, cur_q, 3'd0, busy};
            3'd3: rdata_q <= {28'd0, cur_q};
            3'd4: rdata_q <= prng_q;
            default: rdata_q <= 32'd0;
          endcase
        `NM_REGION_COUNTER:
          case (cfg_off[2:0])
            3'd0: rdata_q <= cnt0_q;
            3'd1: rdata_q <= cnt1_q;
            3'd2: rdata_q <= cnt2_q;
            3'd3: rdata_q <= cnt3_q;
            3'd4: rdata_q <= cnt4_q;
            3'd5: rdata_q <= cnt5_q;
            3'd6: rdata_q <= cnt6_q;
            default: rdata_q <= cnt7_q;
          endcase
        `NM_REGION_AXTYPE:  rdata_q <= types_q[ty_base +: 32];
        `NM_REGION_XBAR:    rdata_q <= xbar_q[cfg_n][ax_base +: 32];
        `NM_REGION_NEURON:
          case (cfg_word)
            3'd0: rdata_q <= {5'd0, syn_q[cfg_n]};
            3'd1: rdata_q <= mode_q[cfg_n];
            3'd2: rdata_q <= {14'd0, alpha_q[cfg_n]};
            3'd3: rdata_q <= {14'd0, beta_q[cfg_n]};
            3'd4: rdata_q <= {14'd0, rst_q[cfg_n]};
            3'd5: rdata_q <= {2'd0, dest_q[cfg_n]};
            3'd6: rdata_q <= {12'd0, v_q[cfg_n]};
            default: rdata_q <= 32'd0;
          endcase
        `NM_REGION_SCHED:   rdata_q <= sched_q[cfg_elem[3:0]][ax_base +: 32];
        default:            rdata_q <= 32'd0;
      endcase
      if (cfg_wr && cfg_region == `NM_REGION_CTRL && cfg_off[2:0] == 3'd3)
        cur_q <= cfg_wdata_i[3:0];
      if (cfg_wr && cfg_region == `NM_REGION_CTRL && cfg_off[2:0] == 3'd4)
        prng_q <= (cfg_wdata_i == 32'd0) ? 32'd1 : cfg_wdata_i;
      if (cfg_wr && cfg_region == `NM_REGION_SCHED)
        sched_q[cfg_elem[3:0]][ax_base +: 32] <= cfg_wdata_i;

      // tick processing
      if (stoch_draw) prng_q <= draw;
      case (state_q)
        StStart: begin
          cur_q <= next_cur;
          act_q <= sched_q[next_cur];
          sched_q[next_cur] <= {NumAxons{1'b0}};
          n_q <= {NW{1'b0}};
        end
        StRead: begin
          hits_q <= xbar_q[n_q] & act_q;
          acc_q  <= {{(AccW-20){v_q[n_q][19]}}, v_q[n_q]};
        end
        StInteg: begin
          hits_q[ev_axon] <= 1'b0;               // the lowest set bit
          if (ev_stoch) acc_q <= acc_q + stoch_step(ev_weight, draw[7:0]);
          else          acc_q <= acc_q + {{(AccW-9){ev_weight[8]}}, ev_weight};
        end
        StLeak:   acc_q <= v_leak;
        StThresh: begin
          acc_q  <= v_thr;
          fire_q <= fires;
        end
        StWrite:  if (!fire_q && !last_neuron) n_q <= n_q + 1'b1;
        StSend:   if (pkt_out_ready_i && !last_neuron) n_q <= n_q + 1'b1;
        default: ;
      endcase

      // packet input, after the START clear so its bit survives
      if (pkt_ok) sched_q[pkt_row][pkt_in_axon_i[AxW-1:0]] <= 1'b1;

    end
  end

  // event counters: each is written only in a cycle where it counts; a config write to a
  // counter (the last assignment) wins over its increment. (Increments first, the write
  // after: every read of a counter then comes before its writes, and a cycle-based
  // simulator updates it in place; docs/performance.md, fourth step.)
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cnt0_q <= 32'd0;
      cnt1_q <= 32'd0;
      cnt2_q <= 32'd0;
      cnt3_q <= 32'd0;
      cnt4_q <= 32'd0;
      cnt5_q <= 32'd0;
      cnt6_q <= 32'd0;
      cnt7_q <= 32'd0;
    end else begin
      if (inc[0]) cnt0_q <= cnt0_q + 32'd1;
      if (inc[1]) cnt1_q <= cnt1_q + 32'd1;
      if (inc[2]) cnt2_q <= cnt2_q + 32'd1;
      if (inc[3]) cnt3_q <= cnt3_q + 32'd1;
      if (inc[4]) cnt4_q <= cnt4_q + 32'd1;
      if (inc[5]) cnt5_q <= cnt5_q + 32'd1;
      if (inc[6]) cnt6_q <= cnt6_q + 32'd1;
      if (inc[7]) cnt7_q <= cnt7_q + 32'd1;
      if (cfg_wr && cfg_region == `NM_REGION_COUNTER)
        case (cfg_off[2:0])
          3'd0: cnt0_q <= cfg_wdata_i;
          3'd1: cnt1_q <= cfg_wdata_i;
          3'd2: cnt2_q <= cfg_wdata_i;
          3'd3: cnt3_q <= cfg_wdata_i;
          3'd4: cnt4_q <= cfg_wdata_i;
          3'd5: cnt5_q <= cfg_wdata_i;
          3'd6: cnt6_q <= cfg_wdata_i;
          default: cnt7_q <= cfg_wdata_i;
        endcase
    end
  end

  always @* begin
    inc = 8'd0;
    inc[`NM_COUNTER_SYN_EVENTS]     = (state_q == StInteg);
    inc[`NM_COUNTER_NEURON_UPDATES] = (state_q == StWrite);
    inc[`NM_COUNTER_SPIKES]         = (state_q == StWrite) && fire_q;
    inc[`NM_COUNTER_SCHED_WRITES]   = pkt_ok;
    inc[`NM_COUNTER_ROW_READS]      = (state_q == StStart) || (state_q == StRead);
    inc[`NM_COUNTER_ROW_WRITES]     = (state_q == StStart) || (state_q == StWrite);
    inc[`NM_COUNTER_BUSY_CYCLES]    = busy;
    inc[`NM_COUNTER_STALL_CYCLES]   = (state_q == StSend) && !pkt_out_ready_i;
  end

`ifdef NM_ASSERT
  // Simulation-only checks (docs/verification.md): never synthesized.
  // A packet for an axon the core does not have is dropped (neuron-model.md section 5);
  // a packet for the row the running tick has already latched (delay 0, or delay 1
  // in the START cycle) would be integrated 16 ticks late.
  always @(posedge clk_i or negedge rst_ni) begin
    if (rst_ni) begin
      if (pkt_in_valid_i && ({1'b0, pkt_in_axon_i} >= NumAxons[8:0])) begin
        $display("nm_assert: %m: packet delivered to non-existent axon %0d (the core has %0d axons)",
                 pkt_in_axon_i, NumAxons);
        $stop;
      end
      if (pkt_in_valid_i && busy &&
          ((state_q == StStart) ? (pkt_row == next_cur) : (pkt_row == cur_q))) begin
        $display("nm_assert: %m: scheduler write to the current tick's row %0d (packet axon %0d, delay %0d)",
                 (state_q == StStart) ? next_cur : cur_q, pkt_in_axon_i, pkt_in_delay_i);
        $stop;
      end
    end
  end
`endif

  // ------------------------------------------------------------------ outputs
  assign tick_done_o     = (state_q == StDone);
  assign busy_o          = busy;
  assign pkt_in_ready_o  = 1'b1;
  assign pkt_out_valid_o = (state_q == StSend);
  assign pkt_out_dx_o    = dest_l[`NM_NEURON_DEST_DX_LSB +: 9];
  assign pkt_out_dy_o    = dest_l[`NM_NEURON_DEST_DY_LSB +: 9];
  assign pkt_out_axon_o  = dest_l[`NM_NEURON_DEST_AXON_LSB +: 8];
  assign pkt_out_delay_o = dest_l[`NM_NEURON_DEST_DELAY_LSB +: 4];
  assign trace_valid_o   = (state_q == StWrite) && fire_q;
  generate
    if (NW < 8) begin : g_trace_pad
      assign trace_neuron_o = {{(8-NW){1'b0}}, n_q};
    end else begin : g_trace_full
      assign trace_neuron_o = n_q;
    end
  endgenerate
endmodule
